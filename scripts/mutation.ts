// `npm run test:mutation [-- NAME ...]`: mutation testing (Stryker + its vitest runner) over each
// module that holds a regulatory or money rule (scripts/mutation/modules.ts). Each module is
// mutated on its own and only its own tests run against it. Incremental: a mutant whose code and
// covering tests did not change since the last run keeps its last result
// (reports/mutation/incremental/NAME.json, committed so that a fresh clone starts from it).
// Writes reports/mutation/summary.md and summary.json; exits 1 if any module is under the bar.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { MUTATION_BAR, MUTATION_MODULES, type MutationModule } from './mutation/modules.ts';
import { scoreOf, summaryMarkdown, type ModuleScore } from './mutation/score.ts';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'reports', 'mutation');
const args = process.argv.slice(2);
const full = args.includes('--full');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !MUTATION_MODULES.some((m) => m.name === n));
if (unknown.length > 0) {
  console.error(
    `Unknown module ${unknown.join(', ')}. Modules: ${MUTATION_MODULES.map((m) => m.name).join(', ')}`,
  );
  process.exit(2);
}
const chosen = names.length
  ? MUTATION_MODULES.filter((m) => names.includes(m.name))
  : MUTATION_MODULES;

// Stryker types its log levels as a const enum, which type stripping cannot import.
const WARN = 'warn' as NonNullable<ConstructorParameters<typeof Stryker>[0]>['logLevel'];

async function mutate(m: MutationModule): Promise<ModuleScore> {
  process.env['BACKROOM_MUTATION_TESTS'] = m.tests.join(',');
  const started = performance.now();
  const stryker = new Stryker({
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.mutation.config.ts', related: false },
    coverageAnalysis: 'perTest',
    mutate: [m.module],
    // --full retests every mutant and still rewrites the incremental file, so the next
    // incremental run starts from the fresh results.
    incremental: true,
    force: full,
    incrementalFile: path.join('reports', 'mutation', 'incremental', `${m.name}.json`),
    reporters: ['progress', 'json', 'html'],
    jsonReporter: { fileName: path.join('reports', 'mutation', 'modules', `${m.name}.json`) },
    htmlReporter: { fileName: path.join('reports', 'mutation', 'modules', `${m.name}.html`) },
    // One sandbox folder per module, so two modules can be mutated at once.
    tempDirName: path.join('.stryker-tmp', m.name),
    cleanTempDir: 'always',
    concurrency: Number(process.env['BACKROOM_MUTATION_CONCURRENCY'] ?? os.availableParallelism()),
    timeoutMS: 10_000,
    thresholds: { high: 95, low: MUTATION_BAR, break: null },
    logLevel: WARN,
    ignorePatterns: ['.stryker-tmp', 'reports', 'bench/results', 'out', 'dist', '.data', '*.log'],
  });
  const results = await stryker.runMutationTest();
  return scoreOf(m, results, (performance.now() - started) / 1000);
}

const scores: ModuleScore[] = [];
for (const m of chosen) {
  console.log(`\n== ${m.name}: ${m.module} against ${m.tests.join(', ')}`);
  scores.push(await mutate(m));
}

// Keep the scores of modules not run this time, so the summary always covers every module.
fs.mkdirSync(reports, { recursive: true });
const summaryJson = path.join(reports, 'summary.json');
const earlier: ModuleScore[] = fs.existsSync(summaryJson)
  ? (JSON.parse(fs.readFileSync(summaryJson, 'utf8')) as { modules: ModuleScore[] }).modules
  : [];
const all = MUTATION_MODULES.map(
  (m) => scores.find((s) => s.name === m.name) ?? earlier.find((s) => s.name === m.name),
).filter((s): s is ModuleScore => s !== undefined);
fs.writeFileSync(summaryJson, JSON.stringify({ bar: MUTATION_BAR, modules: all }, null, 2) + '\n');
const md = summaryMarkdown(all, MUTATION_BAR);
fs.writeFileSync(path.join(reports, 'summary.md'), md);
console.log('\n' + md);

const under = scores.filter((s) => s.score < MUTATION_BAR);
if (under.length > 0) {
  console.error(
    `Under ${MUTATION_BAR} %: ${under.map((s) => `${s.name} ${s.score.toFixed(1)} %`).join(', ')}`,
  );
  process.exit(1);
}
