// npm run bench [-- [--keep] <module> ...]
// Runs every bench/*.bench.ts (or only the named ones), prints a table and, for a full run,
// writes bench/results/latest.json. A missed target is reported as MISSED, not as a failure:
// the exit code is non-zero only when a benchmark crashes or returns malformed results.
// --keep leaves each module's scratch folder (seeded databases) in place for profiling.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  benchEntrySchema,
  makeWorkDir,
  type BenchEntry,
  type BenchModule,
} from '../bench/harness.ts';

const benchDir = path.join(import.meta.dirname, '..', 'bench');
const resultsFile = path.join(benchDir, 'results', 'latest.json');
const SUFFIX = '.bench.ts';

/** The modules to run, and whether that is all of them. */
function discover(only: readonly string[]): { names: string[]; complete: boolean } {
  const all = fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
  const unknown = only.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw new Error(`No bench module named ${unknown.join(', ')} (have: ${all.join(', ')}).`);
  }
  const names = only.length > 0 ? all.filter((name) => only.includes(name)) : all;
  return { names, complete: names.length === all.length };
}

async function runModule(name: string, keep: boolean): Promise<BenchEntry[]> {
  const mod = (await import(pathToFileURL(path.join(benchDir, `${name}${SUFFIX}`)).href)) as {
    default?: unknown;
  };
  if (typeof mod.default !== 'function') {
    throw new Error(
      `bench/${name}${SUFFIX} must export default an async function returning entries.`,
    );
  }
  const run = mod.default as BenchModule;
  const workDir = makeWorkDir(name);
  const log = (m: string) => process.stderr.write(`[${name}] ${m}\n`);
  try {
    const parsed = benchEntrySchema.array().safeParse(await run({ workDir, log }));
    if (!parsed.success) {
      throw new Error(
        `bench/${name}${SUFFIX} returned malformed entries:\n${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  } finally {
    if (keep) log(`kept ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const show = (n: number | null) => (n === null ? '—' : String(n));

function printTable(entries: readonly BenchEntry[]): void {
  const rows = entries.map((e) => [
    e.name,
    show(e.value),
    e.unit,
    show(e.target),
    e.target === null ? 'info' : e.ok ? 'ok' : 'MISSED',
  ]);
  const header = ['benchmark', 'value', 'unit', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const { values, positionals: only } = parseArgs({
    options: { keep: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const { names, complete } = discover(only);
  const entries: BenchEntry[] = [];
  for (const name of names) {
    process.stderr.write(`[${name}] running…\n`);
    const started = performance.now();
    entries.push(...(await runModule(name, values.keep)));
    process.stderr.write(
      `[${name}] done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`Two bench entries are named ${e.name}.`);
    seen.add(e.name);
  }

  console.log();
  printTable(entries);
  const missed = entries.filter((e) => !e.ok);
  console.log();
  console.log(
    missed.length === 0
      ? 'All targets met.'
      : `MISSED ${missed.length} target(s): ${missed.map((e) => e.name).join(', ')}`,
  );

  if (!complete) {
    console.log(
      `Only some modules ran; ${path.relative(process.cwd(), resultsFile)} left as it was.`,
    );
    return;
  }
  // Write then rename, so a crash never leaves half a results file.
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  const tmp = `${resultsFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(entries, null, 2)}\n`);
  fs.renameSync(tmp, resultsFile);
  console.log(`Wrote ${path.relative(process.cwd(), resultsFile)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `\nThe bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
