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
