// A private, real Secret Service for tests: its own D-Bus session bus and gnome-keyring
// daemon with a throwaway keyring folder, so tests never touch a developer's own keychain.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KeyringSession {
  env: Record<string, string>;
  stop(): void;
}

export function startPrivateKeyring(): KeyringSession {
  for (const tool of ['dbus-daemon', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new Error(
        `${tool} is not installed. The tests use a real Secret Service: apt-get install dbus gnome-keyring libsecret-tools`,
      );
    }
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-keyring-'));
  const out = execFileSync(
    'dbus-daemon',
    ['--session', '--fork', '--print-address=1', '--print-pid=1'],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n');
  const address = out[0] ?? '';
  const busPid = Number(out[1]);
  const env = { DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home };
  const daemon = spawnSync(
    'gnome-keyring-daemon',
    ['--unlock', '--components=secrets', '--daemonize'],
    {
      input: '\n',
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
  if (daemon.status !== 0) throw new Error(`gnome-keyring-daemon did not start: ${daemon.stderr}`);
  const keyringPid = Number(/GNOME_KEYRING_PID=(\d+)/.exec(daemon.stdout)?.[1] ?? NaN);
  return {
    env,
    stop() {
      for (const pid of [keyringPid, busPid]) {
        if (Number.isInteger(pid)) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
      }
      // The keyring daemon may hold files open a moment longer; force removal.
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
