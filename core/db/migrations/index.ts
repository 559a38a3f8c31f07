import type Database from 'better-sqlite3-multiple-ciphers';
import foundation from './001_foundation.ts';
import integrations from './002_integrations.ts';
import integrationPlatform from './003_integration_platform.ts';
import firearms from './004_firearms.ts';
import firearmsSearch from './005_firearms_search.ts';
import firearmsRules from './006_firearms_rules.ts';
import firearms4473Index from './007_firearms_4473_index.ts';
import firearmReturns from './008_firearm_returns.ts';
import checkStateRules from './009_check_state_rules.ts';
import devices from './010_devices.ts';
import signatures from './011_signatures.ts';
import pharmacy from './012_pharmacy.ts';
import rx30Outbox from './013_rx30_outbox.ts';
import rx30FilePosition from './014_rx30_file_position.ts';
import pickups from './015_pickups.ts';
import pickupSales from './016_pickup_sales.ts';
import emergencyAccess from './017_emergency_access.ts';
import rx30OutboxToJobs from './018_rx30_outbox_to_jobs.ts';
import checkOverturn from './019_check_overturn.ts';
import dispositionFields from './020_disposition_fields.ts';
import complianceFilings from './021_compliance_filings.ts';
import recordHashes from './022_record_hashes.ts';
import serialKeysNfkc from './023_serial_keys_nfkc.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Work SQL cannot do (Unicode normalization), in the same transaction, after `sql`. */
  run?: (db: Database.Database) => void;
}

/** Every migration, in order. Append only: a shipped migration is never edited. */
export const migrations: readonly Migration[] = [
  foundation,
  integrations,
  integrationPlatform,
  firearms,
  firearmsSearch,
  firearmsRules,
  firearms4473Index,
  firearmReturns,
  checkStateRules,
  devices,
  signatures,
  pharmacy,
  rx30Outbox,
  rx30FilePosition,
  pickups,
  pickupSales,
  emergencyAccess,
  rx30OutboxToJobs,
  checkOverturn,
  dispositionFields,
  complianceFilings,
  recordHashes,
  serialKeysNfkc,
];
