// The real headless store server (scripts/server.ts) in a child process, for tests that kill
// it: started on a free port, killed with SIGKILL, spoken to over HTTP like a screen would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const SERVER = fileURLToPath(new URL('../../scripts/server.ts', import.meta.url));
const children = new Set<ChildProcess>();

/** Kills what a test file left running. Call once at the top of the file. */
export function killServersAfterAll(): void {
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });
}

export function startServerProcess(
  dataDir: string,
  keyringService: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [SERVER, '--port', '0', '--data-dir', dataDir, '--no-backup-schedule'],
    {
      env: { ...process.env, BACKROOM_KEYRING_SERVICE: keyringService },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${err}`)),
    );
  });
}

/** Kills the server at once and waits until it is gone. */
export async function killServer(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null)
    await new Promise((r) => child.once('exit', r));
}

/** A tRPC call over HTTP (mutations and, with methodOverride, queries). */
export function post(
  url: string,
  procedure: string,
  body: unknown,
  token?: string,
): Promise<Response> {
  return fetch(`${url}/api/${procedure}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** Calls a procedure and returns its data, or throws with the server's message. */
export async function call<T>(
  url: string,
  procedure: string,
  body: unknown,
  token?: string,
): Promise<T> {
  const res = await post(url, procedure, body, token);
  const json = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (!res.ok || !json.result)
    throw new Error(`${procedure}: ${json.error?.message ?? res.status}`);
  return json.result.data;
}
