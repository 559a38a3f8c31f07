// Where `npm run demo` keeps its store: a folder of its own, marked as the demo's, never a real
// store's data folder. A folder that is not marked is refused, whatever is in it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATABASE_FILE } from '../app/services.ts';

/** Written first in a demo folder: only a folder with it is ever reset or reused. */
export const DEMO_MARKER = '.backroom-demo';
/** Written last, once the demo data is in: without it, seeding did not finish. */
export const DEMO_SEEDED = 'demo-seeded.json';

/** `~/.local/share/backroom-demo` (Windows: `%APPDATA%\Backroom Demo`), next to the real one. */
export function defaultDemoDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32')
    return path.join(env['APPDATA'] ?? os.homedir(), 'Backroom Demo');
  return path.join(
    env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share'),
    'backroom-demo',
  );
}

export class DemoFolderRefused extends Error {}

const same = (a: string, b: string) => path.resolve(a) === path.resolve(b);
const inside = (child: string, parent: string) => {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Makes `dir` ready for the demo: `seeded` says whether it already holds the demo store (reused)
 * or is new and must be seeded. Refused: the real store's data folder (or a folder inside or
 * around it), and any folder with something in it that the demo did not make.
 * `reset` empties a demo folder first.
 */
export function prepareDemoFolder(o: { dir: string; realDataDir: string; reset: boolean }): {
  dir: string;
  seeded: boolean;
} {
  const dir = path.resolve(o.dir);
  if (same(dir, o.realDataDir) || inside(dir, o.realDataDir) || inside(o.realDataDir, dir))
    throw new DemoFolderRefused(
      `${dir} is (or holds) the store's real data folder (${path.resolve(o.realDataDir)}). The demo never touches a real store: give it another --data-dir.`,
    );
  const marked = fs.existsSync(path.join(dir, DEMO_MARKER));
  const contents = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  if (contents.length > 0 && !marked) {
    const store = contents.includes(DATABASE_FILE) ? ' It holds a store database.' : '';
    throw new DemoFolderRefused(
      `${dir} is not empty and is not a demo folder (it has no ${DEMO_MARKER} file).${store} The demo never touches a real store: give it an empty or new --data-dir.`,
    );
  }
  const finished = marked && fs.existsSync(path.join(dir, DEMO_SEEDED));
  if (marked && (o.reset || !finished)) {
    // Only what the demo made: the folder carries its marker.
    for (const name of contents) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  } else if (finished) return { dir, seeded: true };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(dir, DEMO_MARKER),
    'This folder holds the Backroom demo store (npm run demo). It is safe to delete.\n',
    { mode: 0o600 },
  );
  return { dir, seeded: false };
}

/** Marks seeding finished (the next start reuses the store). */
export function markSeeded(dir: string, summary: unknown): void {
  fs.writeFileSync(path.join(dir, DEMO_SEEDED), `${JSON.stringify(summary, null, 2)}\n`, {
    mode: 0o600,
  });
}
