// Users, roles and the input rules for them. Pure: the renderer validates forms with these
// same schemas before the server checks them again.
import { z } from 'zod';

export const roles = [
  'owner',
  'store_manager',
  'compliance_clerk',
  'pharmacy_staff',
  'pharmacist',
  'cashier',
  'auditor',
] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

export const permissions = [
  'store:view',
  'users:manage',
  'audit:view',
  'backup:manage',
  // Owner only: putting a backup back replaces the store's records.
  'backup:restore',
  'firearms:ledger:write',
  'firearms:sensitive:view',
  'firearms:holds:review',
  'checks:override',
  'pharmacy:pickup',
  'pharmacy:consult',
  'pharmacy:break_glass',
  'store:manage',
  'devices:manage',
  'devices:print',
  'integration:manage',
  'integration:logs:view',
  // "Sync now" per provider: one for each file in resources/providers/ (a test checks).
  'integration:sync:webhook.outbound',
  'integration:sync:accounting.quickbooks',
  'integration:sync:pharmacy.rx30',
  'integration:sync:distributor.edi-x12',
] as const;
export type Permission = (typeof permissions)[number];
export const permissionSchema = z.enum(permissions);

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'A username needs at least 3 characters.')
  .max(32, 'A username can have at most 32 characters.')
  .regex(/^[a-z0-9._-]+$/, 'Use only letters, digits, dots, dashes and underscores in a username.');

export const passwordSchema = z
  .string()
  .min(10, 'A password needs at least 10 characters.')
  .max(200, 'A password can have at most 200 characters.');

export const pinSchema = z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits.');

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter the person’s name.')
  .max(80, 'A name can have at most 80 characters.');

/**
 * Why someone opens the pickup screen under emergency access (45 CFR 164.312(a)(2)(ii)):
 * enough words that a reviewer can judge it, short enough to type at the counter.
 */
export const breakGlassReasonSchema = z
  .string()
  .trim()
  .min(10, 'Say why you need emergency access (at least 10 characters).')
  .max(300, 'A reason can have at most 300 characters.');

/** What emergency access adds to a role: the pickup screen only, never a pharmacist's sign-off. */
export const EMERGENCY_PERMISSIONS: readonly Permission[] = ['pharmacy:pickup'];

export interface UserSummary {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  hasPin: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

export interface SessionView {
  user: UserSummary;
  permissions: Permission[];
  locked: boolean;
  idleTimeoutMs: number;
  /** When emergency access ends (ISO), while it is on: the renderer shows a banner. */
  emergencyUntil: string | null;
}

/** How an emergency access period ended: ended at the counter, with the session, or by time. */
export const emergencyEndings = ['ended_by_user', 'signed_out', 'expired'] as const;
export type EmergencyEnding = (typeof emergencyEndings)[number];

/** One emergency access period as a reviewer reads it (the reason in words, not a hash). */
export interface EmergencyAccessRecord {
  id: number;
  username: string;
  reason: string;
  /** ISO times. */
  openedAt: string;
  until: string;
  /** Null while it is on, or when the store server stopped before it ended. */
  ended: { how: EmergencyEnding; at: string } | null;
}
