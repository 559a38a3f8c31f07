// The store server's own input rules (pure zod model modules of core/), re-used here so
// forms check instantly with exactly what the server re-checks. ARCHITECTURE.md allows the
// renderer these runtime imports (the lint rule allows model.ts and rules.ts only).
export {
  displayNameSchema,
  passwordSchema,
  permissions,
  pinSchema,
  roleSchema,
  roles,
  usernameSchema,
} from '../../core/auth/model.ts';
export { auditQuerySchema } from '../../core/audit/model.ts';
export { backupSettingsSchema } from '../../core/backup/model.ts';
export { storeProfileSchema } from '../../core/store/model.ts';
export {
  DOMAIN_EVENTS,
  US_STATES,
  settingsProblems,
  syncPermissionOf,
  triggerSchema,
} from '../../core/integrations/model.ts';
export { connectionSettingsProblems } from '../../core/integrations/providers/rules.ts';
export { MIN_SECRET_LENGTH } from '../../core/integrations/webhook/rules.ts';
export {
  acquisitionSchema,
  dispositionFields,
  dispositionKinds,
  dispositionSchema,
  dispositionSchemaFor,
  dispositionsInView,
  firearmSchema,
  firearmTypes,
} from '../../core/firearms/model.ts';
export { serialFormatProblems, serialFormatRuleSchema } from '../../core/firearms/rules.ts';
export {
  baudRates,
  deviceConfigSchema,
  deviceKinds,
  labelSchema,
  poleTextSchema,
} from '../../core/devices/model.ts';
export {
  checkoutSchema,
  MAX_BAGS,
  pickupRulesOn,
  tenderSchema,
  type PickupRules,
} from '../../core/pharmacy/rules.ts';
