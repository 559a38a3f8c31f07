import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivateKeyring } from './keyring-session.ts';

/**
 * Every test run gets its own real Secret Service (see keyring-session.ts) and its own temp
 * folder, removed afterwards with every database, backup and log the tests wrote there.
 */
export default function setup(): () => void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-run-'));
  const session = startPrivateKeyring();
  Object.assign(process.env, session.env, { TMPDIR: tmp });
  return () => {
    session.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
}
