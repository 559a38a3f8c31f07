// npm run restore -- FILE [--data-dir DIR] [--yes]
// Puts a backup back in place of the store database while Backroom is stopped. The backup is
// checked first (it opens with its key, passes the integrity check, its audit chain verifies,
// and the chain still holds the head anchored beside the backup when it was made) and the
// result shown before anything is asked; the replaced database, its -wal, -shm and key pointer are moved into a
// dated folder in the data folder, never deleted. Refused while a server has the store open.
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATABASE_FILE } from '../core/app/services.ts';
import type { BackupCheck } from '../core/backup/model.ts';
import {
  checkBackup,
  describeRestoreProblem,
  restoreNow,
  storeInUse,
  storeRunningError,
} from '../core/backup/restore.ts';
import { migrations } from '../core/db/migrations/index.ts';
import { DomainError } from '../core/errors.ts';
import { openServerSecretStore, SecretStoreUnavailableError } from '../core/secrets/index.ts';
import { defaultDataDir } from './server.ts';

const USAGE = 'Usage: npm run restore -- <backup file> [--data-dir DIR] [--yes]';

export interface RestoreIo {
  say(line: string): void;
  /** Asks a question on the terminal; the answer typed. */
  ask(question: string): Promise<string>;
}

/** The anchor check's line: the backup's chain against the head anchored when it was made. */
export function anchorLine(check: BackupCheck): string {
  const a = check.anchor;
  switch (a.state) {
    case 'matches':
      return `  anchor check: matches (entry ${a.anchoredSeq}, anchored ${a.anchoredAt})`;
    case 'missing':
      return '  anchor check: WARNING no anchor beside this backup (made before tamper evidence, or its .anchor.json was removed): it cannot be told whether its newest entries were removed';
    case 'behind':
      return `  anchor check: FAILED the chain ends at entry ${check.chain.length}, its anchor says ${a.anchoredSeq} (anchored ${a.anchoredAt}): entries were removed`;
    case 'differs':
      return `  anchor check: FAILED entry ${a.anchoredSeq} is not the one anchored ${a.anchoredAt}: the backup was replaced or altered`;
    case 'unchecked':
      return '  anchor check: not done (the copy cannot be read)';
  }
}

/** Runs the command; returns the exit code. */
export async function runRestore(argv: string[], io: RestoreIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    io.say(USAGE);
    return 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const dbFile = path.join(dataDir, DATABASE_FILE);
  try {
    const running = storeInUse(dbFile);
    if (running) throw storeRunningError(dbFile, running);
    const secrets = await openServerSecretStore({
      env: process.env,
      dataDir,
      // Never a new secrets file: the backup's key is wherever the store put it.
      databaseExists: true,
      moveToKeychain: false,
      warn: (m) => io.say(`WARNING: ${m}`),
      info: () => {},
    });
    io.say(`Checking ${path.resolve(file)} …`);
    const check = await checkBackup(file, {
      secrets: secrets.store,
      latestSchema: migrations.length,
    });
    io.say(`  made:        ${check.madeAt ?? 'unknown (not a name Backroom gives)'}`);
    io.say(`  size:        ${(check.bytes / 1024 / 1024).toFixed(1)} MB, SHA-256 ${check.sha256}`);
    io.say(`  integrity:   ${check.integrity}`);
    io.say(
      check.chain.ok
        ? `  audit chain: verified, ${check.chain.length} entries, head ${check.chain.headHash.slice(0, 16)}…, newest ${check.lastEntryAt ?? 'none'}`
        : `  audit chain: BROKEN at entry ${check.chain.brokenAt} (${check.chain.reason})`,
    );
    io.say(anchorLine(check));
    if (check.problem) {
      io.say(`\nNot restored: ${describeRestoreProblem(check.problem)}`);
      return 1;
    }
    io.say(
      `\nThis replaces ${dbFile}. The current database, its -wal, -shm and key pointer are moved ` +
        `(not deleted) into a dated folder in ${dataDir}; records written after this backup are only there.`,
    );
    if (!values.yes) {
      const answer = await io.ask('Type RESTORE to go on: ');
      if (answer.trim() !== 'RESTORE') {
        io.say('Nothing was changed.');
        return 1;
      }
    }
    const record = await restoreNow(
      dbFile,
      check,
      `${os.userInfo().username} (npm run restore)`,
      () => Date.now(),
    );
    io.say(`\nRestored ${record.name}.`);
    io.say(
      `The replaced files (${record.movedAside.join(', ') || 'none'}) are in ${record.movedAsideTo}.`,
    );
    io.say('Start Backroom again; the restore is recorded in the audit log as it starts.');
    return 0;
  } catch (error) {
    if (error instanceof DomainError || error instanceof SecretStoreUnavailableError) {
      io.say(`\nNot restored: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  runRestore(process.argv.slice(2), {
    say: (line) => process.stdout.write(`${line}\n`),
    ask: (q) => rl.question(q),
  })
    .then((code) => {
      rl.close();
      process.exit(code);
    })
    .catch((error: unknown) => {
      rl.close();
      const badOption = String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
      process.stderr.write(
        `\nBackroom could not restore: ${error instanceof Error ? error.message : String(error)}\n${badOption ? `${USAGE}\n` : ''}`,
      );
      if (!badOption && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    });
}
