// Every audit action code the store server writes, in one list. The audit screen names each
// one in English and Spanish (renderer/i18n, keyed with `_` for `.`), and
// renderer/i18n/labels.test.ts fails when a code here has no label in either language.
// core/audit/actions.test.ts reads the source for action codes and fails when one written
// there is missing here, so a new action cannot reach the log without a label.
// Pure: no imports. The renderer reads it through core/audit/model.ts (it imports only
// model.ts and rules.ts files from core/).

/** The kinds of answer a background check records, each audited as `check.<kind>`. */
export const CHECK_EVENT_KINDS = [
  'submit',
  'proceed',
  'delayed',
  'denied',
  'cancelled',
  'overturned',
  'expire',
] as const;

export const AUDIT_ACTIONS = [
  // Sign-in, sessions and emergency access
  'auth.setup_owner',
  'auth.login',
  'auth.logout',
  'auth.lock',
  'auth.unlock',
  'auth.break_glass',
  'auth.break_glass_ended',
  'auth.break_glass_expired',
  'access.denied',
  'access.break_glass',
  'ipc.refused',
  // Users
  'user.create',
  'user.disable',
  'user.enable',
  'user.reset_password',
  'user.change_role',
  'user.set_pin',
  'user.change_password',
  // The audit log itself
  'audit.records_sealed',
  // Backups
  'backup.run',
  'backup.settings',
  'backup.restore_check',
  'backup.restore_staged',
  'backup.restore_cancelled',
  'backup.restored',
  // Store
  'store.profile',
  'signature.capture',
  // Integrations
  'integration.create',
  'integration.configure',
  'integration.limits',
  'integration.enable',
  'integration.pause',
  'integration.resume',
  'integration.disconnect',
  'integration.job_failed',
  'integration.alert',
  'integration.replay',
  'integration.dismiss',
  'integration.feature',
  'integration.mapping',
  'integration.template',
  'integration.template_use',
  'integration.sync_now',
  'integration.test_event',
  // Background checks
  'check.start',
  'check.override',
  'check.permit',
  ...CHECK_EVENT_KINDS.map((k) => `check.${k}` as const),
  'checks.state_rule',
  // Firearms book
  'firearm.acquire',
  'firearm.correct',
  'firearm.correct_flags',
  'firearm.reserve',
  'firearm.unreserve',
  'firearm.dispose',
  'firearm.correct_disposition',
  'firearm.undispose',
  'firearm.hold',
  'firearm.release',
  'firearm.escalate',
  'firearm.return',
  'firearm.export',
  'firearm.sensitive_view',
  'firearm.inventory_audit',
  'firearm.multiple_sale_filed',
  'firearm.serial_rule',
  'firearm.serial_rule_retired',
  'firearms.store_hours',
  // Pharmacy
  'patient.view',
  'patient.verify_failed',
  'pharmacy.pickup',
  'pharmacy.consult_signoff',
  'pharmacy.return',
  'pharmacy.void',
  // Devices
  'device.add',
  'device.update',
  'device.retire',
  'device.test',
  'device.open_drawer',
  'device.zero_scale',
  'device.reprint',
  'device.print_cancel',
  'device.print_retry',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const isAuditAction = (code: string): code is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(code);
