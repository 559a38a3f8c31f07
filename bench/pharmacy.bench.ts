// The pharmacy relay: READY messages from Rx30 persisted (each applied once, logged) per
// second, and scan-to-screen: a scanned Rx label answered through the HTTP API with 200,000
// prescriptions on file (the label lookup the pickup screen makes first).
import path from 'node:path';
import { httpTransport } from '../core/api/testing.ts';
import { createStoreServices } from '../core/app/services.ts';
import { systemClock } from '../core/clock.ts';
import { readySchema, type ReadyMessage } from '../core/pharmacy/messages.ts';
import { FileSecretStore } from '../core/secrets/file.ts';
import {
  atLeast,
  atMost,
  nowMs,
  percentile,
  round,
  type BenchContext,
  type BenchEntry,
} from './harness.ts';

const READY_PER_S_TARGET = 2_000;
const SCAN_P99_TARGET_MS = 30;
const ON_FILE = 200_000;
const OWNER = { username: 'bench', displayName: 'Bench', password: 'bench-password-1' };

const ready = (i: number): ReadyMessage =>
  readySchema.parse({
    type: 'READY',
    id: `M${i}`,
    storeId: 'S1',
    rxNumber: String(600_000 + i),
    fillNumber: i % 3,
    patientId: `P${i % 40_000}`,
    lastName: ['García', 'Smith', 'Nguyen', 'Okafor', 'Kowalski'][i % 5] ?? 'Smith',
    firstName: ['Ana', 'John', 'Linh', 'Chidi', 'Ewa'][(i >> 3) % 5] ?? 'Ana',
    dateOfBirth: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    drug: 'Lisinopril 10 mg',
    amountDue: 500 + (i % 3000),
    taxable: false,
    fsaHsaEligible: 500,
    hipaaNoticeRequired: i % 7 === 0,
    counselingRequired: i % 11 === 0,
    safetyCapWaiver: false,
    controlledSchedule: i % 13 === 0 ? 'II' : null,
    fillDate: '2026-11-20',
    partialFill: false,
  });

export default async function pharmacyBench(ctx: BenchContext): Promise<BenchEntry[]> {
  const s = await createStoreServices({
    dataDir: ctx.workDir,
    secrets: new FileSecretStore(path.join(ctx.workDir, 'secrets.json'), () => {}),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    clock: systemClock,
  });
  const api = await httpTransport(s);
  try {
    ctx.log(`applying ${ON_FILE.toLocaleString('en')} READY messages…`);
    const messages = Array.from({ length: ON_FILE }, (_, i) => ready(i));
    const start = nowMs();
    for (const m of messages) s.pharmacy.inbox.apply(m);
    const perSecond = ON_FILE / ((nowMs() - start) / 1000);
    const entries: BenchEntry[] = [
      atLeast(
        {
          name: 'pharmacy.ready_inbound.per_s',
          value: round(perSecond, 0),
          unit: 'msg/s',
          detail: `READY messages applied one transaction each (encrypted SQLite, synchronous=FULL): duplicate check by message id and rx+fill, patient and prescription written, inbound log appended; ${ON_FILE.toLocaleString('en')} messages`,
        },
        READY_PER_S_TARGET,
      ),
    ];

    await s.auth.setupOwner(OWNER);
    const { token } = await s.auth.login(OWNER, 'bench');
    const samples: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const n = (i * 7_919) % ON_FILE;
      const code = `${600_000 + n}-${String(n % 3).padStart(2, '0')}`;
      const t = nowMs();
      const r = await api.call({ path: 'pharmacy.byLabel', type: 'query' }, { code }, token);
      samples.push(nowMs() - t);
      if (r.error) throw new Error(`scan ${code}: ${r.error.message}`);
    }
    entries.push(
      atMost(
        {
          name: 'pharmacy.scan_to_screen.p99_ms',
          value: round(percentile(samples, 99), 2),
          unit: 'ms',
          detail: `a scanned Rx label looked up through the HTTP API (session check, lookup by rx+fill, ready count, audited view) with ${ON_FILE.toLocaleString('en')} prescriptions on file; 1,000 scans, p50 ${round(percentile(samples, 50), 2)} ms`,
        },
        SCAN_P99_TARGET_MS,
      ),
    );
    return entries;
  } finally {
    await api.close();
    s.close();
  }
}
