// npm start [-- server options]: the desktop app where an Electron binary is installed;
// otherwise (headless servers, locked-down CI) the headless store server, which prints its URL.
// Server options (--port, --data-dir, --lan, …) are those of `npm run server`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DatabaseOpenError } from '../core/db/errors.ts';
import { DATA_DIR_SECRETS_FILE, SecretStoreUnavailableError } from '../core/secrets/index.ts';
import { KeyringSecretStore } from '../core/secrets/keyring.ts';
import { parseServerArgs, runServer } from './server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
// Set in the copy of this script that runs inside its own D-Bus session.
const IN_KEYRING_SESSION = 'BACKROOM_IN_PRIVATE_KEYRING_SESSION';

/**
 * The Electron binary, if this machine has one. Read from electron's path.txt rather than
 * through require('electron'), which tries to download a missing binary.
 */
function installedElectron(env = process.env): string | null {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  const binary = override
    ? path.join(override, relative || 'electron')
    : relative
      ? path.join(dir, 'dist', relative)
      : null;
  return binary && fs.existsSync(binary) && fs.statSync(binary).isFile() ? binary : null;
}

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

/** out/ is missing, or older than a source it is built from. */
function desktopBuildIsStale(): boolean {
  const outputs = ['out/electron/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
  const sources = [
    'electron',
    'preload',
    'renderer',
    'core',
    'resources',
    'package.json',
    'electron.vite.config.ts',
    'vite.renderer.config.ts',
  ];
  const at = (p: string) => path.join(root, p);
  if (!outputs.every((o) => fs.existsSync(at(o)))) return true;
  const oldestOutput = Math.min(...outputs.map((o) => fs.statSync(at(o)).mtimeMs));
  return Math.max(...sources.map((s) => newestMtime(at(s)))) > oldestOutput;
}

/** Runs a JS tool from node_modules with this Node (the system Node may be too old). */
function runTool(script: string, toolArgs: string[], what: string): void {
  const result = spawnSync(process.execPath, [path.join(root, script), ...toolArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    process.stderr.write(`\nBackroom could not start: ${what} failed (see above).\n`);
    process.exit(result.status ?? 1);
  }
}

/** Passes Ctrl+C and kill on to a child (or its whole process group) and exits as it does. */
function followChild(child: ChildProcess, group: boolean): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(group ? -child.pid : child.pid, signal);
      } catch {
        // already gone
      }
    });
  }
  child.on('exit', (code, signal) => {
    const exit = () => process.exit(code ?? (signal ? 1 : 0));
    // Let the last lines of a piped stderr through (a daemon may hold the pipe: wait briefly).
    if (!child.stderr || child.stderr.readableEnded) return exit();
    child.stderr.once('end', exit);
    setTimeout(exit, 1_000).unref();
  });
}

function startDesktop(electron: string): void {
  if (desktopBuildIsStale()) {
    process.stdout.write('Building the desktop app (electron-vite build)…\n');
    runTool('node_modules/electron-vite/bin/electron-vite.js', ['build'], 'electron-vite build');
  }
  const env = { ...process.env };
  delete env['ELECTRON_RUN_AS_NODE'];
  followChild(spawn(electron, [root, ...args], { cwd: root, stdio: 'inherit', env }), false);
}

const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

export interface KeyringFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** <data-dir>/secrets.json exists: an earlier start found no keychain and keeps its key there. */
  dataDirFileExists: boolean;
  /** --move-secrets-to-keychain: a keychain is wanted even though the file exists. */
  moving: boolean;
  onPath(tool: string): boolean;
  /** Whether the OS keychain answers (asked only when everything else says "start one"). */
  keychainAnswers(): Promise<boolean>;
}

/**
 * The store database key lives in the OS keychain. A headless Linux login has no D-Bus
 * session, hence no Secret Service: give this server a private one, with gnome-keyring's
 * login keyring (kept in ~/.local/share/keyrings, unlocked with an empty password). Not when
 * secrets are in a file (BACKROOM_SECRETS_FILE, or the data-folder file an earlier start chose),
 * and not when a keychain answers. Without the tools, the server itself decides (a 0600 file
 * for a fresh store, said loudly: core/secrets/server-choice.ts).
 */
export async function needsPrivateKeyring(f: KeyringFacts): Promise<boolean> {
  return (
    f.platform === 'linux' &&
    !f.env['BACKROOM_SECRETS_FILE'] &&
    !f.env[IN_KEYRING_SESSION] &&
    (!f.dataDirFileExists || f.moving) &&
    f.onPath('dbus-run-session') &&
    f.onPath('gnome-keyring-daemon') &&
    !(await f.keychainAnswers())
  );
}

function keyringFacts(): KeyringFacts {
  const { values, dataDir } = parseServerArgs(args);
  return {
    platform: process.platform,
    env: process.env,
    dataDirFileExists: fs.existsSync(path.join(dataDir, DATA_DIR_SECRETS_FILE)),
    moving: values['move-secrets-to-keychain'],
    onPath,
    keychainAnswers: async () =>
      (await new KeyringSecretStore(
        process.env['BACKROOM_KEYRING_SERVICE'] || 'backroom',
      ).probe()) === null,
  };
}

function restartInPrivateKeyringSession(): void {
  process.stdout.write(
    'No OS keychain answered here: started a private Secret Service (dbus-run-session + gnome-keyring-daemon) to keep the database key.\n',
  );
  // As loud as the secrets-file fallback: this keyring has an empty password.
  process.stderr.write(
    'WARNING: this private keyring is unlocked with an empty password, so the database key is protected only by the permissions of ~/.local/share/keyrings. Use it only on a locked-down server, or run Backroom in a desktop session.\n',
  );
  const script =
    'printf "\\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';
  const child = spawn(
    'dbus-run-session',
    ['--', 'sh', '-c', script, 'sh', process.execPath, fileURLToPath(import.meta.url), ...args],
    // Its own process group, so a signal reaches the server and both daemons, which end with it.
    {
      cwd: root,
      stdio: ['inherit', 'inherit', 'pipe'],
      detached: true,
      env: { ...process.env, [IN_KEYRING_SESSION]: '1' },
    },
  );
  // dbus-daemon run as root without CAP_SYS_RESOURCE (containers) complains that it cannot
  // raise its file limit; harmless for a one-client bus, so that line is dropped.
  if (child.stderr) {
    readline.createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      if (!/dbus-daemon\[\d+\].*Failed to set fd limit/.test(line))
        process.stderr.write(`${line}\n`);
    });
  }
  followChild(child, true);
}

async function startHeadless(): Promise<void> {
  if (!process.env[IN_KEYRING_SESSION]) {
    process.stdout.write(
      'Electron is not installed on this machine (headless); starting the store server instead.\n',
    );
  }
  if (!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
    process.stdout.write('Building the store screens (vite build)…\n');
    runTool(
      'node_modules/vite/bin/vite.js',
      ['build', '--config', 'vite.renderer.config.ts'],
      'vite build',
    );
  }
  if (await needsPrivateKeyring(keyringFacts())) {
    restartInPrivateKeyringSession();
    return;
  }
  // Prints "Backroom store server listening on <url>".
  await runServer(args);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const electron = installedElectron();
  if (electron) {
    startDesktop(electron);
  } else {
    startHeadless().catch((error: unknown) => {
      // A bad option, a keychain or a database problem: the message says what to do.
      const badOption = String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
      const known =
        badOption ||
        error instanceof DatabaseOpenError ||
        error instanceof SecretStoreUnavailableError;
      process.stderr.write(
        `\nBackroom could not start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      if (!known && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    });
  }
}
