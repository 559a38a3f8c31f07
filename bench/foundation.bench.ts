// Issue 2's numbers: what the audit chain costs a write (on a fresh store, and on a
// 1,000,000-entry chain with the store's services and their audit-search indexer running),
// how long verifying a long chain takes, and how fast the store server starts with a long
// chain on disk: to /healthz answering and to the chain verified, with the file in the page
// cache and, where the machine lets the bench drop the cache, read from disk.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { entryHashOf, payloadHashOf } from '../core/audit/chain.ts';
import { GENESIS_HASH, type AuditEntry, type VerifyResult } from '../core/audit/model.ts';
import { AuditLog } from '../core/audit/repo.ts';
import { verifyChainInParallel } from '../core/audit/verify-parallel.ts';
import { DATABASE_FILE, createStoreServices } from '../core/app/services.ts';
import { systemClock } from '../core/clock.ts';
import { openStoreDatabase, type Db, type StoreDatabase } from '../core/db/open.ts';
import { FileSecretStore } from '../core/secrets/file.ts';
import {
  atMost,
  median,
  nowMs,
  percentile,
  reported,
  round,
  timed,
  type BenchContext,
  type BenchEntry,
} from './harness.ts';

// Targets from issue 2, item 10.
const AUDITED_P99_RATIO_TARGET = 1.5;
const VERIFY_1M_TARGET_S = 3;
const COLD_START_TARGET_S = 1;

const CHAIN_LENGTH = 1_000_000;
// p99 of 5,000 samples is the 50th slowest: enough that one disk hiccup does not decide it.
const WRITE_WARMUP_PAIRS = 500;
// The measured pairs are judged in consecutive rounds: the p99 of each round is 40 samples
// deep, and the median over rounds keeps one burst of disk noise (a neighbour's fsync, a
// checkpoint) from deciding the whole result.
const WRITE_ROUNDS = 5;
const WRITE_MEASURED_PAIRS = WRITE_ROUNDS * 4_000;
const COLD_START_RUNS = 3;
const HEALTHZ_POLL_MS = 5;
// While the chain verifies, /healthz is asked less often (each ask is work for the server).
const VERIFIED_POLL_MS = 25;
const HEALTHZ_REQUEST_TIMEOUT_MS = 2_000;
const SERVER_START_TIMEOUT_MS = 60_000;

const serverScript = path.join(import.meta.dirname, '..', 'scripts', 'server.ts');

interface StoreDir {
  dataDir: string;
  secretsFile: string;
}

const storeDirIn = (workDir: string, name: string): StoreDir => {
  const dataDir = path.join(workDir, name);
  return { dataDir, secretsFile: path.join(dataDir, 'secrets.json') };
};

// The bench has no keychain to lean on; the file store is the headless server's own fallback.
// Its warning is about production use and would only clutter the bench output.
const openStore = (dir: StoreDir) =>
  openStoreDatabase({
    file: path.join(dir.dataDir, DATABASE_FILE),
    secrets: new FileSecretStore(dir.secretsFile, () => {}),
  });

export default async function foundationBench(ctx: BenchContext): Promise<BenchEntry[]> {
  const chainDir = storeDirIn(ctx.workDir, 'chain-1m');

  ctx.log(`seeding ${CHAIN_LENGTH.toLocaleString('en')} audit entries…`);
  const seeded = await seedChain(chainDir, CHAIN_LENGTH);
  ctx.log(`  seeded in ${(seeded.ms / 1000).toFixed(1)} s (${seeded.megabytes} MB on disk)`);

  ctx.log('verifying the chain…');
  const verify = await measureVerify(chainDir);

  ctx.log(`cold-starting the server ${COLD_START_RUNS} times…`);
  const starts: ColdStart[] = [];
  for (let i = 0; i < COLD_START_RUNS; i++) starts.push(await measureColdStart(chainDir));

  ctx.log(`cold-starting the server ${COLD_START_RUNS} times with the page cache dropped…`);
  const coldStarts: ColdStart[] = [];
  let cannotDrop: string | null = null;
  for (let i = 0; i < COLD_START_RUNS && cannotDrop === null; i++) {
    cannotDrop = dropPageCache();
    if (cannotDrop === null) coldStarts.push(await measureColdStart(chainDir));
    else ctx.log(`  ${cannotDrop}: no cold-cache figure`);
  }

  ctx.log(
    `timing ${WRITE_MEASURED_PAIRS.toLocaleString('en')} audited and bare writes, interleaved…`,
  );
  const writes = await measureWrites(storeDirIn(ctx.workDir, 'writes'));
  ctx.log('the same on the 1,000,000-entry chain, the store services and their indexer running…');
  const longWrites = await measureWritesOnLongChain(chainDir);

  const writeHow =
    `${WRITE_MEASURED_PAIRS} transactions of each kind after ${WRITE_WARMUP_PAIRS} warm-up pairs, ` +
    'alternated, in one fresh encrypted store database (a near-empty audit log, no indexer running: audit.write_1m_indexed is the long-chain figure; WAL, synchronous=FULL)';
  const { auditedP99, bareP99, ratio: p99Ratio, rounds, ok: ratioOk } = judgeWrites(writes);
  const long = judgeWrites(longWrites);
  const longHow =
    `${WRITE_MEASURED_PAIRS} transactions of each kind after ${WRITE_WARMUP_PAIRS} warm-up pairs, alternated, ` +
    `appended to the ${CHAIN_LENGTH.toLocaleString('en')}-entry chain (its lookups indexed) through createStoreServices as the server runs it: ` +
    `the audit-search indexer on its 2 s timer (it indexed ${longWrites.indexed.toLocaleString('en')} entries while the writes ran), the anchor and change feed told of each entry; ` +
    `after the chain monitor's start-up verification (${(longWrites.verifyMs / 1000).toFixed(1)} s) finished; WAL, synchronous=FULL`;
  const seconds = (xs: readonly number[]) => xs.map((ms) => (ms / 1000).toFixed(3)).join(', ');
  const startHow = `spawn of scripts/server.ts --no-backup-schedule (no backup or bound-book copy scheduled; a store's server schedules them) with ${CHAIN_LENGTH.toLocaleString('en')} audit entries`;
  const healthzS = (xs: readonly ColdStart[]) => median(xs.map((x) => x.healthzMs)) / 1000;
  const verifiedS = (xs: readonly ColdStart[]) => median(xs.map((x) => x.verifiedMs)) / 1000;
  const coldStartS = healthzS(starts);
  const coldCache: BenchEntry[] =
    coldStarts.length === 0
      ? []
      : [
          atMost(
            {
              name: 'server.cold_start_1m.cold_cache',
              value: round(healthzS(coldStarts)),
              unit: 's',
              detail: `median of ${coldStarts.length} runs (${seconds(coldStarts.map((x) => x.healthzMs))} s), each after sync and echo 3 > /proc/sys/vm/drop_caches (the store file read from disk, as after a reboot): ${startHow}, until the first 200 from /healthz`,
            },
            COLD_START_TARGET_S,
          ),
          atMost(
            {
              name: 'server.cold_start_1m.cold_cache.chain_verified',
              value: round(verifiedS(coldStarts)),
              unit: 's',
              detail: `the same runs (${seconds(coldStarts.map((x) => x.verifiedMs))} s), until /healthz reports auditChain.state ok (polled every ${VERIFIED_POLL_MS} ms); target: issue 2's cold start ≤ ${COLD_START_TARGET_S} s, ready meaning verified`,
            },
            COLD_START_TARGET_S,
          ),
        ];

  return [
    reported({
      name: 'audit.write.p50',
      value: round(percentile(writes.audited, 50)),
      unit: 'ms',
      detail: `business row + AuditLog.record in one transaction; ${writeHow}`,
    }),
    {
      name: 'audit.write.p99',
      value: round(auditedP99),
      unit: 'ms',
      target: round(AUDITED_P99_RATIO_TARGET * bareP99),
      ok: ratioOk,
      baseline: round(bareP99),
      detail: `target is ${AUDITED_P99_RATIO_TARGET} × sqlite.bare_write.p99 of the same run; ${rounds}; ${writeHow}`,
    },
    {
      name: 'audit.write.p99_ratio',
      value: round(p99Ratio, 2),
      unit: '×',
      target: AUDITED_P99_RATIO_TARGET,
      ok: ratioOk,
      detail: `median audited p99 / median bare p99 over the rounds; ${rounds}`,
    },
    reported({
      name: 'audit.write.p50_ratio',
      value: round(percentile(writes.audited, 50) / percentile(writes.bare, 50), 2),
      unit: '×',
      detail:
        'audit.write.p50 / sqlite.bare_write.p50: the steady cost of auditing, which moves far less from run to run than the p99 ratio',
    }),
    reported({
      name: 'audit.lookup_index.per_entry',
      value: round(writes.lookupUsPerEntry, 1),
      unit: 'µs',
      detail:
        'indexing who/which record for search, done every 2 s in one batch off the write path (AuditLog.catchUpLookups), per audited entry',
    }),
    reported({
      name: 'sqlite.bare_write.p50',
      value: round(percentile(writes.bare, 50)),
      unit: 'ms',
      detail: `one row into a table of the same shape, no audit entry; ${writeHow}`,
    }),
    reported({
      name: 'sqlite.bare_write.p99',
      value: round(bareP99),
      unit: 'ms',
      detail: `one row into a table of the same shape, no audit entry; ${writeHow}`,
    }),
    atMost(
      {
        name: 'audit.verify_1m',
        value: round(verify.parallelMs / 1000),
        unit: 's',
        detail: `verifyChainInParallel (the chain monitor's and the API's verifier; worker threads, ${os.availableParallelism()} cores here) over ${CHAIN_LENGTH.toLocaleString('en')} entries, file in the OS page cache`,
      },
      VERIFY_1M_TARGET_S,
    ),
    reported({
      name: 'audit.verify_1m.single_thread',
      value: round(verify.singleMs / 1000),
      unit: 's',
      detail: `AuditLog.verify() on the calling thread over ${CHAIN_LENGTH.toLocaleString('en')} entries`,
    }),
    reported({
      name: 'audit.write_1m_indexed.p50',
      value: round(percentile(longWrites.audited, 50)),
      unit: 'ms',
      detail: `business row + AuditLog.record in one transaction; ${longHow}`,
    }),
    {
      name: 'audit.write_1m_indexed.p99',
      value: round(long.auditedP99),
      unit: 'ms',
      target: round(AUDITED_P99_RATIO_TARGET * long.bareP99),
      ok: long.ok,
      baseline: round(long.bareP99),
      detail: `target is ${AUDITED_P99_RATIO_TARGET} × the p99 of bare one-row transactions into the same database in the same run; ${long.rounds}; ${longHow}`,
    },
    {
      name: 'audit.write_1m_indexed.p99_ratio',
      value: round(long.ratio, 2),
      unit: '×',
      target: AUDITED_P99_RATIO_TARGET,
      ok: long.ok,
      detail: `median audited p99 / median bare p99 over the rounds, on the 1M chain with the indexer running; ${long.rounds}`,
    },
    atMost(
      {
        name: 'server.cold_start_1m',
        value: round(coldStartS),
        unit: 's',
        detail: `median of ${COLD_START_RUNS} runs (${seconds(starts.map((x) => x.healthzMs))} s): ${startHow}, until the first 200 from /healthz (polled every ${HEALTHZ_POLL_MS} ms), which answers while the chain is still verifying; the store file in the OS page cache${cannotDrop === null ? '' : `; no cold-cache figure: ${cannotDrop}`}`,
      },
      COLD_START_TARGET_S,
    ),
    atMost(
      {
        name: 'server.cold_start_1m.chain_verified',
        value: round(verifiedS(starts)),
        unit: 's',
        detail: `the same runs (${seconds(starts.map((x) => x.verifiedMs))} s), until /healthz reports auditChain.state ok (the chain monitor done: the chain on worker threads, every regulated row against its hash, anchor, triggers, SQLite's integrity check; polled every ${VERIFIED_POLL_MS} ms); target: issue 2's cold start ≤ ${COLD_START_TARGET_S} s, ready meaning verified; the store file in the OS page cache`,
      },
      COLD_START_TARGET_S,
    ),
    ...coldCache,
  ];
}

// ---------------------------------------------------------------------------------------------
// Seeding: a realistic chain with real hashes, in one transaction (record() one by one would
// take minutes and measure nothing we report).

const ACTORS = ['olivia.owner', 'sam.manager', 'cora.clerk', 'pete.pharmacy', 'cash.one', 'system'];
const EVENTS: readonly (readonly [action: string, entity: string])[] = [
  ['sale.record', 'sale'],
  ['user.login', 'user'],
  ['inventory.receive', 'purchase_order'],
  ['firearm.acquire', 'firearm'],
  ['rx.pickup', 'prescription'],
  ['backup.run', 'backup'],
];
const SEED_START = Date.UTC(2024, 0, 2, 9, 0, 0);

async function seedChain(
  dir: StoreDir,
  length: number,
): Promise<{ ms: number; megabytes: number }> {
  const start = nowMs();
  const store = await openStore(dir);
  try {
    const { db } = store;
    // Indexes and triggers are set aside during the bulk insert and re-created from their own
    // SQL afterwards: the same schema, in a fraction of the time (building an index once is
    // cheaper than growing it a row at a time, and the seq trigger would check every row).
    const extras = db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master
         WHERE tbl_name = 'audit_log' AND type IN ('index', 'trigger') AND sql IS NOT NULL`,
      )
      .all() as { type: 'index' | 'trigger'; name: string; sql: string }[];
    const insert = db.prepare(
      `INSERT INTO audit_log (seq, time, actor, action, entity, entity_id, payload_hash,
         external_ref, outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (const x of extras) db.exec(`DROP ${x.type.toUpperCase()} "${x.name}"`);
      let prevHash = GENESIS_HASH;
      for (let seq = 1; seq <= length; seq++) {
        const [action, entity] = EVENTS[seq % EVENTS.length] as readonly [string, string];
        const e: Omit<AuditEntry, 'hash'> = {
          seq,
          time: new Date(SEED_START + seq * 47_000).toISOString(),
          actor: ACTORS[seq % ACTORS.length] as string,
          action,
          entity,
          entityId: String(seq % 50_000),
          payloadHash: payloadHashOf({ seq, qty: seq % 7, cents: (seq * 37) % 100_000 }),
          externalRef: seq % 10 === 0 ? `INV-${seq}` : null,
          outcome: seq % 97 === 0 ? 'denied' : 'success',
          prevHash,
        };
        const hash = entryHashOf(e);
        insert.run(
          e.seq,
          e.time,
          e.actor,
          e.action,
          e.entity,
          e.entityId,
          e.payloadHash,
          e.externalRef,
          e.outcome,
          e.prevHash,
          hash,
        );
        prevHash = hash;
      }
      for (const x of extras) db.exec(x.sql);
    }).immediate();
    // What the server's 2 s timer would long since have done: who and which record indexed,
    // and the viewer's filter menus, so a start and a write meet the store's steady state.
    const audit = new AuditLog(db, systemClock);
    audit.catchUpLookups();
    audit.rebuildFacets();
  } finally {
    store.close(); // checkpoints the WAL, so every measurement below starts from a clean file
  }
  const reopened = await openStore(dir);
  const megabytes = Math.round(reopened.sizeBytes() / 1e6);
  reopened.close();
  return { ms: nowMs() - start, megabytes };
}

// ---------------------------------------------------------------------------------------------

/**
 * Times the store's verifier (what the chain monitor and the API run: worker threads) and the
 * single-thread AuditLog.verify(), each on a freshly opened connection.
 */
async function measureVerify(dir: StoreDir): Promise<{ parallelMs: number; singleMs: number }> {
  const timeOne = async (
    verify: (store: StoreDatabase, audit: AuditLog) => VerifyResult | Promise<VerifyResult>,
  ) => {
    const store = await openStore(dir);
    try {
      const audit = new AuditLog(store.db, systemClock);
      const start = nowMs();
      const result = await verify(store, audit);
      const ms = nowMs() - start;
      if (!result.ok || result.length !== CHAIN_LENGTH) {
        throw new Error(`The seeded chain did not verify: ${JSON.stringify(result)}`);
      }
      return ms;
    } finally {
      store.close();
    }
  };
  const parallelMs = await timeOne((store, audit) => verifyChainInParallel(store, audit));
  const singleMs = await timeOne((_store, audit) => audit.verify());
  return { parallelMs, singleMs };
}

// ---------------------------------------------------------------------------------------------

interface Writes {
  audited: number[];
  bare: number[];
}

/**
 * The p99 of each round of consecutive pairs, and the median over rounds, so one burst of disk
 * noise does not decide the result. The ratio is of the two medians, so the p99 entry meets
 * its target exactly when the ratio entry does (both judge the same unrounded ratio).
 */
function judgeWrites(writes: Writes) {
  const perRound = Array.from({ length: WRITE_ROUNDS }, (_, r) => {
    const slice = (xs: number[]) =>
      xs.slice((r * xs.length) / WRITE_ROUNDS, ((r + 1) * xs.length) / WRITE_ROUNDS);
    const audited = percentile(slice(writes.audited), 99);
    const bare = percentile(slice(writes.bare), 99);
    return { audited, bare, ratio: audited / bare };
  });
  const auditedP99 = median(perRound.map((r) => r.audited));
  const bareP99 = median(perRound.map((r) => r.bare));
  const ratio = auditedP99 / bareP99;
  return {
    auditedP99,
    bareP99,
    ratio,
    ok: ratio <= AUDITED_P99_RATIO_TARGET,
    rounds: `p99 per round of ${WRITE_MEASURED_PAIRS / WRITE_ROUNDS} pairs, median of ${WRITE_ROUNDS} rounds (round ratios ${perRound.map((r) => r.ratio.toFixed(2)).join(', ')})`,
  };
}

/** On a fresh store database: a near-empty log, the lookup indexing done once afterwards. */
async function measureWrites(dir: StoreDir): Promise<Writes & { lookupUsPerEntry: number }> {
  const store: StoreDatabase = await openStore(dir);
  try {
    const audit = new AuditLog(store.db, systemClock);
    const writes = timeWritePairs(store.db, audit);
    // What the periodic lookup indexing costs, per audited entry, done in one batch.
    const catchUp = timed(() => audit.catchUpLookups());
    return { ...writes, lookupUsPerEntry: (catchUp.ms * 1000) / Math.max(1, catchUp.result) };
  } finally {
    store.close();
  }
}

/**
 * On the 1,000,000-entry chain, through the store's own services as the server runs them: the
 * audit-search indexer on its 2 s timer (AuditLog.catchUpLookups, 5,000 entries a tick), the
 * anchor kept a moment after each batch, the change feed told of each entry. The chain monitor's
 * start-up verification is waited for first (the server's steady state, not its first seconds).
 */
async function measureWritesOnLongChain(
  dir: StoreDir,
): Promise<Writes & { indexed: number; verifyMs: number; head: number }> {
  const s = await createStoreServices({
    dataDir: dir.dataDir,
    secrets: new FileSecretStore(dir.secretsFile, () => {}),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    clock: systemClock,
  });
  try {
    const verifyStart = nowMs();
    const verdict = await s.chain.verify();
    const verifyMs = nowMs() - verifyStart;
    if (verdict.state !== 'ok' || verdict.length < CHAIN_LENGTH)
      throw new Error(`The 1M chain did not verify in the services: ${JSON.stringify(verdict)}`);
    const through = () =>
      Number(
        s.store.db
          .prepare("SELECT value FROM settings WHERE key = 'audit_lookup_through'")
          .pluck()
          .get() ?? 0,
      );
    const before = through();
    const writes = timeWritePairs(s.store.db, s.audit);
    const head = s.audit.head().seq;
    return { ...writes, indexed: through() - before, verifyMs, head };
  } finally {
    s.close();
  }
}

/** Audited and bare one-row transactions, interleaved, on one connection. */
function timeWritePairs(db: Db, audit: AuditLog): Writes {
  const table = (name: string) => `CREATE TABLE ${name} (
      id INTEGER PRIMARY KEY, sku TEXT NOT NULL, qty INTEGER NOT NULL, cents INTEGER NOT NULL,
      sold_at TEXT NOT NULL) STRICT`;
  db.exec(`${table('bench_sale_audited')}; ${table('bench_sale_bare')};`);
  const insertAudited = db.prepare(
    'INSERT INTO bench_sale_audited (sku, qty, cents, sold_at) VALUES (?, ?, ?, ?)',
  );
  const insertBare = db.prepare(
    'INSERT INTO bench_sale_bare (sku, qty, cents, sold_at) VALUES (?, ?, ?, ?)',
  );

  const auditedSale = db.transaction((sku: string, qty: number, cents: number) => {
    const id = insertAudited.run(sku, qty, cents, new Date().toISOString()).lastInsertRowid;
    audit.record({
      actor: 'cash.one',
      action: 'sale.record',
      entity: 'sale',
      entityId: Number(id),
      payload: { sku, qty, cents },
    });
  });
  const bareSale = db.transaction((sku: string, qty: number, cents: number) => {
    insertBare.run(sku, qty, cents, new Date().toISOString());
  });

  const audited: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < WRITE_WARMUP_PAIRS + WRITE_MEASURED_PAIRS; i++) {
    const sku = `SKU-${(i * 7919) % 100_000}`;
    const qty = 1 + (i % 5);
    const cents = 199 + ((i * 131) % 9_800);
    const timeAudited = () => timed(() => auditedSale.immediate(sku, qty, cents)).ms;
    const timeBare = () => timed(() => bareSale.immediate(sku, qty, cents)).ms;
    // Alternate which goes first, so neither always follows the other's fsync.
    let auditedMs: number;
    let bareMs: number;
    if (i % 2 === 0) {
      auditedMs = timeAudited();
      bareMs = timeBare();
    } else {
      bareMs = timeBare();
      auditedMs = timeAudited();
    }
    if (i >= WRITE_WARMUP_PAIRS) {
      audited.push(auditedMs);
      bare.push(bareMs);
    }
  }
  return { audited, bare };
}

// ---------------------------------------------------------------------------------------------

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** One GET /healthz; its status code and body, or null while nothing listens yet. */
const health = (port: number) =>
  new Promise<{ status: number; body: string } | null>((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(null));
    });
    req.setTimeout(HEALTHZ_REQUEST_TIMEOUT_MS, () => req.destroy());
    req.on('error', () => resolve(null));
  });

/** The audit chain's state as /healthz reports it ('verifying' until the monitor is done). */
const chainState = (body: string) =>
  (JSON.parse(body) as { auditChain?: { state?: string } }).auditChain?.state ?? 'unknown';

/**
 * Empties the OS page cache (Linux, as root), so the next start reads the store from disk.
 * Returns why it could not, or null when it did.
 */
function dropPageCache(): string | null {
  try {
    const synced = spawnSync('sync');
    if (synced.status !== 0) return `sync failed (${synced.error?.message ?? synced.status})`;
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
    return null;
  } catch (error) {
    return `echo 3 > /proc/sys/vm/drop_caches failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class PortTakenError extends Error {}

interface ColdStart {
  /** Spawn → the first 200 from /healthz. */
  healthzMs: number;
  /** Spawn → /healthz reporting the chain verified (auditChain.state 'ok'). */
  verifiedMs: number;
}

/** One start of the server process, in milliseconds to each of the two moments. */
async function measureColdStart(dir: StoreDir): Promise<ColdStart> {
  // The free port we picked can be taken by another process before the server binds it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await timeColdStart(dir, await freePort());
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
    }
  }
}

async function timeColdStart(dir: StoreDir, port: number): Promise<ColdStart> {
  const start = nowMs();
  const server = spawn(
    process.execPath,
    [serverScript, '--port', String(port), '--data-dir', dir.dataDir, '--no-backup-schedule'],
    {
      env: { ...process.env, BACKROOM_SECRETS_FILE: dir.secretsFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  let ended: number | null | undefined;
  void exited.then((code) => (ended = code));
  const fail = (what: string) => {
    const message = `The store server ${what}:\n${stderr}`;
    return stderr.includes('already in use') ? new PortTakenError(message) : new Error(message);
  };
  try {
    let readyMs: number | null = null;
    let state = 'verifying';
    while (readyMs === null) {
      if (ended !== undefined) throw fail(`exited (code ${ended}) before /healthz answered`);
      if (nowMs() - start > SERVER_START_TIMEOUT_MS) {
        throw fail(`did not answer /healthz within ${SERVER_START_TIMEOUT_MS} ms`);
      }
      const h = await health(port);
      if (h?.status === 200) {
        readyMs = nowMs() - start;
        state = chainState(h.body);
      } else await sleep(HEALTHZ_POLL_MS);
    }
    // Then until the chain monitor has verified the chain (and the tamper checks with it).
    let verifiedMs = readyMs;
    while (state === 'verifying') {
      if (ended !== undefined) throw fail(`exited (code ${ended}) while verifying`);
      if (nowMs() - start > SERVER_START_TIMEOUT_MS) {
        throw fail(`did not verify the chain within ${SERVER_START_TIMEOUT_MS} ms`);
      }
      await sleep(VERIFIED_POLL_MS);
      const h = await health(port);
      if (h?.status !== 200) continue;
      state = chainState(h.body);
      verifiedMs = nowMs() - start;
    }
    if (state !== 'ok') throw fail(`reported the chain ${state}, not ok`);
    // The 200 must have come from our server, not from whoever else got the port first.
    while (!stdout.includes(`listening on http://127.0.0.1:${port}`)) {
      if (ended !== undefined) throw fail(`exited (code ${ended}) without listening`);
      if (nowMs() - start > SERVER_START_TIMEOUT_MS) throw fail('never said it was listening');
      await sleep(HEALTHZ_POLL_MS);
    }
    return { healthzMs: readyMs, verifiedMs };
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
}
