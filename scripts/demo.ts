// npm run demo -- [--port 4890] [--data-dir DIR] [--reset]
// Every flow working in one command, with no hardware and no accounts: the store server, every
// simulator (Rx30, receipt and label printers, scale, pole display, webhook sink) and a demo
// store entered through the real services (core/demo/seed.ts): users for every role, a bound
// book of a few hundred entries with checks in every state, prescriptions ready for pickup,
// devices and connections pointed at the simulators. It keeps its store in a folder of its own
// (marked as the demo's; never the real store's data folder) and its secrets in a file there.
// Ctrl-C stops everything it started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStoreServices, type StoreServices } from '../core/app/services.ts';
import { ManualClock, systemClock, type Clock } from '../core/clock.ts';
import {
  DEMO_SEEDED,
  DemoFolderRefused,
  defaultDemoDir,
  markSeeded,
  prepareDemoFolder,
} from '../core/demo/folder.ts';
import {
  DEMO_DEVICES,
  DEMO_STORE,
  pointAtSimulators,
  seedDemoStore,
  type DemoEndpoints,
  type DemoSummary,
} from '../core/demo/seed.ts';
import { DEMO_OWNER_PIN, DEMO_USERS } from '../core/demo/users.ts';
import type { Logger } from '../core/log/logger.ts';
import { FileSecretStore } from '../core/secrets/file.ts';
import { DATA_DIR_SECRETS_FILE } from '../core/secrets/index.ts';
import { createRx30Adapter, rx30Drivers } from '../drivers/rx30/index.ts';
import { defaultDataDir } from './server.ts';

const root = path.resolve(import.meta.dirname, '..');
export const DEMO_PORT = 4890;
const WEBHOOK_SECRET = 'demo-signing-secret-change-me-0123456789';
const READY_LINE = 'Backroom demo ready at';

interface Running {
  name: string;
  proc: ChildProcess;
  exited: Promise<void>;
}

const children: Running[] = [];
let stopping = false;

const say = (line = '') => process.stdout.write(`${line}\n`);

/**
 * Starts a process of ours (a simulator or the server) and waits for the line that says it is
 * up; from then on its output is shown, each line led by its name.
 */
function startChild(
  name: string,
  script: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ running: Running; match: RegExpExecArray }> {
  const proc = spawn(process.execPath, [path.join(root, script), ...args], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C reaches the demo, which stops each in order (stopAll).
    detached: true,
  });
  // A command typed after the process ended is dropped, not a crash.
  proc.stdin.on('error', () => {});
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const running: Running = { name, proc, exited };
  children.push(running);
  return new Promise((resolve, reject) => {
    let up = false;
    let early = '';
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not start within 30 s.\n${early}`));
    }, 30_000);
    const onLine = (line: string) => {
      if (!up) {
        early += `${line}\n`;
        const match = ready.exec(line);
        if (match) {
          up = true;
          clearTimeout(timer);
          resolve({ running, match });
        }
        return;
      }
      // The server's device checks and the relay's heartbeats are not news.
      if (/^· status asked|sent HEARTBEAT/.test(line)) return;
      if (!stopping || name === 'server') say(`[${name}] ${line}`);
    };
    for (const stream of [proc.stdout, proc.stderr])
      readline.createInterface({ input: stream }).on('line', onLine);
    void exited.then(() => {
      clearTimeout(timer);
      if (!up) reject(new Error(`${name} stopped before it started:\n${early}`));
      else if (!stopping) {
        say(`[${name}] stopped unexpectedly (exit ${proc.exitCode ?? proc.signalCode}).`);
        void stopAll(1);
      }
    });
  });
}

/** Stops every process the demo started (the server first: it closes the database cleanly). */
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const alive = (r: Running) => r.proc.exitCode === null && r.proc.signalCode === null;
    const order = [...children].sort(
      (a, b) => Number(b.name === 'server') - Number(a.name === 'server'),
    );
    for (const r of order) {
      if (!alive(r)) continue;
      r.proc.kill('SIGTERM');
      const done = await Promise.race([
        r.exited.then(() => true),
        new Promise<boolean>((res) => setTimeout(() => res(false), 10_000)),
      ]);
      if (!done) r.proc.kill('SIGKILL');
    }
    await Promise.all(children.map((r) => r.exited));
    if (children.length) say('Demo stopped: every process it started has ended.');
    process.exit(code);
  }
  return new Promise<never>(() => {});
}

/** Warnings from seeding on stderr; the rest is the demo's own story. */
const seedLog: Logger = {
  info: () => {},
  warn: (m) => process.stderr.write(`[demo] ${m}\n`),
  error: (m) => process.stderr.write(`[demo] ${m}\n`),
};

async function openServices(dir: string, clock: Clock): Promise<StoreServices> {
  return createStoreServices({
    dataDir: dir,
    // The demo folder's own secrets file: works where no keychain answers, touches none.
    secrets: new FileSecretStore(path.join(dir, DATA_DIR_SECRETS_FILE), () => {}),
    log: seedLog,
    clock,
    rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers },
    indexAuditInBackground: false,
  });
}

async function startSimulators(dir: string): Promise<DemoEndpoints> {
  const run = path.join(dir, 'run');
  fs.mkdirSync(run, { recursive: true, mode: 0o700 });
  const tcp = (name: string, script: string, extra: string[] = []) =>
    startChild(name, script, ['--port', '0', ...extra], /127\.0\.0\.1:(\d+)/).then(({ match }) => ({
      host: '127.0.0.1',
      port: Number(match[1]),
    }));
  // The scale and the pole display are pseudo-terminals made by socat: left out without it.
  const serial = (name: string, script: string, link: string) =>
    startChild(name, script, ['--link', path.join(run, link)], / on (\/\S+) \(9600/).then(
      ({ match }) => match[1] ?? null,
      (error: unknown) => {
        say(
          `[demo] The ${name} simulator did not start (is socat installed? sudo apt-get install socat), so it is left out: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        );
        return null;
      },
    );
  const [receiptPrinter, labelPrinter, rx30, webhookUrl, scale, poleDisplay] = await Promise.all([
    tcp('receipt', 'simulators/escpos-printer/main.ts'),
    tcp('label', 'simulators/zpl-printer/main.ts'),
    tcp('rx30', 'simulators/rx30/main.ts'),
    startChild(
      'webhook',
      'simulators/webhook-sink/main.ts',
      ['--port', '0', '--secret', WEBHOOK_SECRET],
      /listening on (http:\/\/\S+)/,
    ).then(({ match }) => match[1] ?? ''),
    serial('scale', 'simulators/serial-scale/main.ts', 'scale'),
    serial('pole', 'simulators/pole-display/main.ts', 'pole-display'),
  ]);
  return {
    receiptPrinter,
    labelPrinter,
    rx30,
    webhook: { url: webhookUrl, secret: WEBHOOK_SECRET },
    scale,
    poleDisplay,
  };
}

function ensureScreensBuilt(): void {
  if (fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) return;
  say('Building the store screens (vite build)…');
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'vite.renderer.config.ts',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error('Building the store screens failed (see above).');
}

function banner(url: string, dir: string, e: DemoEndpoints, sum: DemoSummary, reused: boolean) {
  const w = Math.max(...DEMO_USERS.map((u) => u.username.length));
  const p = Math.max(...DEMO_USERS.map((u) => u.password.length));
  const lines = [
    '',
    `${READY_LINE} ${url}`,
    '',
    `Open ${url} in a browser and sign in as any of these (no password change needed: each`,
    'user already chose the password below). Demo passwords only: never use them in a store.',
    '',
    ...DEMO_USERS.map(
      (u) =>
        `  ${u.username.padEnd(w)}  ${u.password.padEnd(p)}  ${u.role.padEnd(16)} ${u.tryThis}`,
    ),
    `  (the owner's PIN to unlock a locked screen: ${DEMO_OWNER_PIN})`,
    '',
    `The store: ${DEMO_STORE.name}, ${DEMO_STORE.state}, FFL ${DEMO_STORE.ffl}, time zone ${DEMO_STORE.timeZone}.`,
    '',
    'What to try:',
    `  Firearms    the bound book (${sum.acquisitions} acquisitions, ${sum.dispositions} dispositions of every kind); the`,
    `              check desk: ${sum.checks.initiated} initiated, ${sum.checks.pending} pending, ${sum.checks.delayed} delayed${sum.delayedMayProceedOn ? ` (may proceed ${sum.delayedMayProceedOn})` : ''},`,
    `              ${sum.checks.proceed} proceed (hand it over), ${sum.checks.denied} denied, ${sum.checks.cancelled} cancelled, ${sum.checks.expired} expired;`,
    `              the Form 3310.4 to file (4473 ${sum.multipleSale4473}); a privately made firearm (serial NSN) to mark.`,
    `  Pharmacy    prescriptions ready: ${sum.prescriptions.map((r) => `${r.rxLabel} (${r.patient}, born ${r.dateOfBirth})`).join('; ')}.`,
    `              Type "rx30 ready Lopez Maria 1980-02-02 9.99" here to send another from the Rx30 simulator.`,
    `  Devices     ${DEMO_DEVICES.receipt} (127.0.0.1:${e.receiptPrinter.port}) and ${DEMO_DEVICES.label} (127.0.0.1:${e.labelPrinter.port}):`,
    '              test prints show up here as text.' +
      (e.scale ? ` ${DEMO_DEVICES.scale} on ${e.scale}.` : '') +
      (e.poleDisplay ? ` ${DEMO_DEVICES.pole} on ${e.poleDisplay}.` : ''),
    '              Type "receipt paper out", "label head open", "scale w 0.5 kg" to change a device.',
    `  Integrations signed webhooks to the sink at ${e.webhook.url} (${e.webhook.url}/_sink/stats shows`,
    '              what it accepted), and the Rx30 relay.',
    '  Backups     "Back up now", then check a backup before restoring it.',
    '',
    `Data: ${dir} (a demo folder; secrets in ${DATA_DIR_SECRETS_FILE} there, not the keychain).${reused ? ' Kept from the last run: --reset starts over.' : ''}`,
    'Press Ctrl-C to stop the demo and every process it started.',
    '',
  ];
  for (const line of lines) say(line);
}

/** Lines typed into the demo go to a simulator: "<receipt|label|scale|rx30> <command>". */
function routeCommands(): void {
  const targets = new Map(children.filter((c) => c.name !== 'server').map((c) => [c.name, c]));
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const [name = '', ...rest] = line.trim().split(/\s+/);
    const target = targets.get(name);
    if (!target || rest.length === 0 || !target.proc.stdin?.writable) {
      if (line.trim())
        say(
          `[demo] Type a simulator's name and a command: ${[...targets.keys()].filter((n) => n !== 'webhook' && n !== 'pole').join(', ')} (e.g. "rx30 ready", "receipt paper out").`,
        );
      return;
    }
    target.proc.stdin.write(`${rest.join(' ')}\n`);
  });
}

export async function runDemo(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEMO_PORT) },
      'data-dir': { type: 'string' },
      reset: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be a number from 0 to 65535 (got ${values.port}).`);
  const { dir, seeded } = prepareDemoFolder({
    dir: values['data-dir'] ?? defaultDemoDir(),
    realDataDir: defaultDataDir(),
    reset: values.reset,
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void stopAll(0));
  ensureScreensBuilt();
  say(`Starting the simulators…`);
  const endpoints = await startSimulators(dir);

  let summary: DemoSummary;
  if (!seeded) {
    say(
      'Entering the demo store through the store services (six weeks of a store, a few seconds)…',
    );
    // Set back in time and moved forward day by day: every date is one the rules accept.
    const clock = new ManualClock(systemClock.now());
    const services = await openServices(dir, clock);
    try {
      summary = await seedDemoStore(services, clock, { now: clock.now(), endpoints });
      await services.drain();
    } finally {
      services.close();
    }
    markSeeded(dir, summary);
  } else {
    const services = await openServices(dir, systemClock);
    try {
      await pointAtSimulators(services, endpoints, DEMO_USERS[0]?.username ?? 'owner');
      await services.drain();
    } finally {
      services.close();
    }
    summary = JSON.parse(fs.readFileSync(path.join(dir, DEMO_SEEDED), 'utf8')) as DemoSummary;
  }

  say('Starting the store server…');
  const { match } = await startChild(
    'server',
    'scripts/server.ts',
    [
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--data-dir',
      dir,
      '--device-check-seconds',
      '5',
    ],
    /Backroom store server listening on (http:\/\/\S+)/,
    // The demo folder's secrets file (the server says so loudly; the banner too).
    { ...process.env, BACKROOM_SECRETS_FILE: path.join(dir, DATA_DIR_SECRETS_FILE) },
  );
  banner(match[1] ?? '', dir, endpoints, summary, seeded);
  routeCommands();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runDemo(process.argv.slice(2)).catch(async (error: unknown) => {
    process.stderr.write(
      `\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (!(error instanceof DemoFolderRefused) && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    await stopAll(1);
  });
}
