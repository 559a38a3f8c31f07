// A real pseudo-terminal pair joined by socat, standing in for a serial cable: a simulator opens
// one end (the device) and the driver under test opens the other (the store's COM port).
// `socat -d -d` prints "PTY is /dev/pts/N" for each end, then "starting data transfer loop"
// once both are open and bytes flow; we wait for that line, so no test races socat's start.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The simulator's end (the device). */
  devicePath: string;
  /** The driver's end (what the store is configured with). */
  hostPath: string;
  /** The /dev/pts nodes behind the two links. */
  ptys: { device: string; host: string };
  /** Stops socat and removes the links; safe to call twice. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Where the two links go; a fresh temporary folder (removed on close) by default. */
  links?: { device: string; host: string };
  /** How long socat may take to set the pair up. */
  startTimeoutMs?: number;
}

// Every socat still running when the process exits is killed, so a crashed test or an
// interrupted demo never leaves one behind.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}

function waitForExit(child: ChildProcess, graceMs: number): Promise<void> {
  // No pid: socat never started (not installed), so there is nothing to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function openPtyPair(o: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDir = o.links ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-pty-'));
  const links = o.links ?? {
    device: path.join(ownDir ?? '', 'device'),
    host: path.join(ownDir ?? '', 'host'),
  };
  for (const link of [links.device, links.host]) fs.rmSync(link, { force: true });

  const child = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${links.device}`, `pty,raw,echo=0,link=${links.host}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  track(child);

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= waitForExit(child, 1_000).then(() => {
      child.stderr?.destroy();
      if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
    });
    return closed;
  };

  try {
    const ptys = await new Promise<string[]>((resolve, reject) => {
      let log = '';
      const found: string[] = [];
      const settle = () => {
        clearTimeout(timer);
        child.off('error', onError);
        child.off('exit', onExit);
        child.stderr?.off('data', onLog);
      };
      const fail = (why: string) => {
        settle();
        reject(new Error(`socat could not set up a pty pair: ${why}\n${log}`));
      };
      const onError = (e: Error) => fail(e.message);
      const onExit = (code: number | null) => fail(`it exited with ${code}`);
      const onLog = (text: string) => {
        log += text;
        for (const m of text.matchAll(/PTY is (\S+)/g)) if (m[1]) found.push(m[1]);
        if (/starting data transfer loop/.test(log) && found.length === 2) {
          settle();
          resolve(found);
        }
      };
      const timer = setTimeout(() => fail('it did not start in time'), o.startTimeoutMs ?? 5_000);
      child.on('error', onError);
      child.on('exit', onExit);
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', onLog);
    });
    // socat keeps logging to stderr; drain it so a full pipe never stalls it.
    child.stderr?.resume();
    return {
      devicePath: links.device,
      hostPath: links.host,
      ptys: { device: ptys[0] ?? '', host: ptys[1] ?? '' },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A device simulator running on the device end of its own pty pair. */
export interface OnPty<S> {
  simulator: S;
  /** The port the store's device should be configured with. */
  hostPath: string;
  close(): Promise<void>;
}

/**
 * Opens a pty pair and a simulator on its device end (`make` gets the device path), closing
 * the pair again if the simulator cannot open.
 */
export async function startOnPty<S extends { open(): Promise<unknown>; close(): Promise<unknown> }>(
  make: (devicePath: string) => S,
  links?: PtyPairOptions['links'],
): Promise<OnPty<S>> {
  const pty = await openPtyPair({ ...(links ? { links } : {}) });
  const simulator = make(pty.devicePath);
  try {
    await simulator.open();
  } catch (error) {
    await pty.close();
    throw error;
  }
  return {
    simulator,
    hostPath: pty.hostPath,
    close: async () => {
      await simulator.close();
      await pty.close();
    },
  };
}
