import fs from 'node:fs';
import path from 'node:path';
import { ownerOnly } from '../db/owner-only.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// Fields whose names suggest a secret are never written, whatever their value.
const SECRET_FIELD = /pass|pin|token|secret|key|authorization|cookie/i;

function redact(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : v;
  return out;
}

/** JSON lines to <dataDir>/logs/backroom.log, and a readable line on stderr. */
export function createLogger(dataDir: string | null, opts: { quiet?: boolean } = {}): Logger {
  let file: number | null = null;
  if (dataDir) {
    const dir = path.join(dataDir, 'logs');
    // Logs name users and records: only this OS user may read them. The mode applies to every
    // folder created here (the data folder too, when the log is the first to need it); folders
    // and a log file an older version left readable are closed up.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    file = fs.openSync(path.join(dir, 'backroom.log'), 'a', 0o600);
    for (const d of [dataDir, dir]) ownerOnly(d, 0o700);
    ownerOnly(path.join(dir, 'backroom.log'), 0o600);
  }
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const safe = redact(fields);
    if (file !== null) {
      fs.writeSync(
        file,
        `${JSON.stringify({ time: new Date().toISOString(), level, message, ...safe })}\n`,
      );
    }
    if (!opts.quiet || level !== 'info') {
      process.stderr.write(
        `[backroom] ${level === 'info' ? '' : `${level.toUpperCase()}: `}${message}${safe ? ` ${JSON.stringify(safe)}` : ''}\n`,
      );
    }
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
