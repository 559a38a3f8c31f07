// The shell's pages and the permission each needs. Navigation shows only what the user's
// role allows; a direct address to another page shows "no access" (and the server refuses).
import type { ReactElement, ReactNode } from 'react';
import type { Permission, SessionView } from '../../core/auth/model.ts';
import { AccountScreen } from '../screens/AccountScreen.tsx';
import { AuditScreen } from '../screens/AuditScreen.tsx';
import { BackupsScreen } from '../screens/BackupsScreen.tsx';
import { DashboardScreen } from '../screens/DashboardScreen.tsx';
import { DevicesScreen } from '../screens/devices/DevicesScreen.tsx';
import { PickupScreen } from '../screens/pharmacy/PickupScreen.tsx';
import { FirearmsScreen } from '../screens/firearms/FirearmsScreen.tsx';
import { IntegrationsScreen } from '../screens/integrations/IntegrationsScreen.tsx';
import { UsersScreen } from '../screens/UsersScreen.tsx';
import { can } from '../state/session.ts';
import {
  IconAccount,
  IconAudit,
  IconBackup,
  IconBook,
  IconDashboard,
  IconPlug,
  IconPill,
  IconPrinter,
  IconUsers,
} from './icons.tsx';

export interface Section {
  path: string;
  label:
    | 'shell.dashboard'
    | 'shell.users'
    | 'shell.audit'
    | 'shell.backups'
    | 'shell.integrations'
    | 'shell.firearms'
    | 'shell.devices'
    | 'shell.pharmacy'
    | 'shell.account';
  permission: Permission | null;
  /** Also shown to these, and the page itself decides (the pharmacy's emergency access). */
  alsoFor?: Permission;
  /** The page has pages below it (/integrations/:id), routed by the screen itself. */
  nested?: boolean;
  icon: ReactNode;
  screen: () => ReactElement;
}

/** Whether the section is in this session's navigation (and its page may open). */
export const opens = (session: SessionView | null, s: Section) =>
  can(session, s.permission) || (s.alsoFor !== undefined && can(session, s.alsoFor));

export const sections: Section[] = [
  {
    path: '/dashboard',
    label: 'shell.dashboard',
    permission: 'store:view',
    icon: <IconDashboard />,
    screen: () => <DashboardScreen />,
  },
  {
    path: '/firearms',
    label: 'shell.firearms',
    permission: 'firearms:ledger:write',
    icon: <IconBook />,
    screen: () => <FirearmsScreen />,
    nested: true,
  },
  {
    path: '/pharmacy',
    label: 'shell.pharmacy',
    permission: 'pharmacy:pickup',
    // A manager may open it in an emergency: the page asks why first (break glass, audited).
    alsoFor: 'pharmacy:break_glass',
    icon: <IconPill />,
    screen: () => <PickupScreen />,
  },
  {
    path: '/devices',
    label: 'shell.devices',
    permission: 'devices:print',
    icon: <IconPrinter />,
    screen: () => <DevicesScreen />,
  },
  {
    path: '/users',
    label: 'shell.users',
    permission: 'users:manage',
    icon: <IconUsers />,
    screen: () => <UsersScreen />,
  },
  {
    path: '/audit',
    label: 'shell.audit',
    permission: 'audit:view',
    icon: <IconAudit />,
    screen: () => <AuditScreen />,
  },
  {
    path: '/backups',
    label: 'shell.backups',
    permission: 'backup:manage',
    icon: <IconBackup />,
    screen: () => <BackupsScreen />,
  },
  {
    path: '/integrations',
    label: 'shell.integrations',
    permission: 'integration:logs:view',
    icon: <IconPlug />,
    screen: () => <IntegrationsScreen />,
    nested: true,
  },
  {
    path: '/account',
    label: 'shell.account',
    permission: null,
    icon: <IconAccount />,
    screen: () => <AccountScreen />,
  },
];
