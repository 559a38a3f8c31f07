import { z } from 'zod';
import rolesData from '../../resources/roles.json' with { type: 'json' };
import policyData from '../../resources/security-policy.json' with { type: 'json' };
import { permissionSchema, roleSchema, roles, type Permission, type Role } from './model.ts';

// Role → permission table and the security policy are data (resources/), validated at start.
const rolesShape = z.object({
  permissions: z.record(permissionSchema, z.string()),
  roles: z.record(roleSchema, z.array(permissionSchema)),
});

const policyShape = z.object({
  idleTimeoutMinutes: z.number().positive(),
  maxFailedLogins: z.number().int().positive(),
  lockoutMinutes: z.number().positive(),
  loginAttemptsPerMinutePerAddress: z.number().int().positive(),
  maxPinAttempts: z.number().int().positive(),
  sessionMaxHours: z.number().positive(),
  breakGlassMinutes: z.number().positive(),
});
export type SecurityPolicy = z.infer<typeof policyShape>;

const table = rolesShape.parse(rolesData);
for (const role of roles) {
  if (!table.roles[role])
    throw new Error(`resources/roles.json has no permissions for role ${role}`);
}

export const securityPolicy: SecurityPolicy = policyShape.parse(policyData);

export function permissionsOf(role: Role): Permission[] {
  return table.roles[role] ?? [];
}

export function roleCan(role: Role, permission: Permission): boolean {
  return permissionsOf(role).includes(permission);
}

/**
 * What a user whose password a manager set (a new user, or after a reset) may do before choosing
 * their own: change it, and what the lock screen offers (who am I, lock, unlock, sign out:
 * procedures declared 'signed_in_even_locked'). Everything else is refused with
 * `must_change_password`: until then, the password is known to someone else too.
 */
export const USABLE_BEFORE_PASSWORD_CHANGE: readonly string[] = ['auth.changePassword'];

export function usableBeforePasswordChange(procedure: string, access: string): boolean {
  return access === 'signed_in_even_locked' || USABLE_BEFORE_PASSWORD_CHANGE.includes(procedure);
}

/**
 * May someone with the `actor` role give `role` to a user (or manage a user who has it)?
 * Only an owner deals with owners; anyone else only with roles whose permissions are all
 * their own, so no one can hand out, or borrow through a second account, more than they have.
 */
export function canGrantRole(actor: Role, role: Role): boolean {
  if (role === 'owner') return actor === 'owner';
  const mine = new Set(permissionsOf(actor));
  return permissionsOf(role).every((p) => mine.has(p));
}
