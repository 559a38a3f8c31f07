// The demo store's people: one per role (resources/roles.json), each with a password printed
// by `npm run demo`. Demo passwords only: anyone who reads the README knows them.
import type { Role } from '../auth/model.ts';

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** What to try signed in as this person (the banner's line). */
  tryThis: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'olivia',
    displayName: 'Olivia Owner',
    role: 'owner',
    password: 'demo-owner-1',
    tryThis: 'everything: users, backups and restore, integrations, devices, the book',
  },
  {
    username: 'sam',
    displayName: 'Sam Manager',
    role: 'store_manager',
    password: 'demo-manager-1',
    tryThis: 'the dashboard, users, devices and integrations',
  },
  {
    username: 'carla',
    displayName: 'Carla Clerk',
    role: 'compliance_clerk',
    password: 'demo-clerk-1',
    tryThis: 'the bound book, the check desk, the 3310.4 to file, the PMF to mark',
  },
  {
    username: 'pete',
    displayName: 'Pete Tech',
    role: 'pharmacy_staff',
    password: 'demo-pharmacy-1',
    tryThis: 'the pickup screen (scan 500001-00; date of birth 1958-03-14)',
  },
  {
    username: 'fiona',
    displayName: 'Fiona Pharmacist',
    role: 'pharmacist',
    password: 'demo-pharmacist-1',
    tryThis: 'a pickup that needs counseling (scan 500003-00; date of birth 1990-11-30)',
  },
  {
    username: 'casey',
    displayName: 'Casey Cashier',
    role: 'cashier',
    password: 'demo-cashier-1',
    tryThis: 'printing receipts and labels',
  },
  {
    username: 'audrey',
    displayName: 'Audrey Auditor',
    role: 'auditor',
    password: 'demo-auditor-1',
    tryThis: 'the audit log and its chain check (read only)',
  },
];

/** The owner's PIN, to unlock a locked screen. */
export const DEMO_OWNER_PIN = '2468';
