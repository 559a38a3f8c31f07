// `npm test`: everything CI runs, in one command. Static checks, builds, the unit and
// integration suite, then end-to-end in Chromium. Ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'backroom-test-'));

const vitestReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      assertionResults: z.array(z.object({ status: z.string() })),
    }),
  ),
});
type VitestReport = z.infer<typeof vitestReport>;

function readReport(file: string): VitestReport | null {
  if (!fs.existsSync(file)) return null;
  const parsed = vitestReport.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/**
 * Test files whose worker process died with none of its tests failing: Node 24's V8 can abort
 * a process that frees WebAssembly code while another thread allocates some ("Check failed:
 * end > addr" in ThreadIsolation, nodejs/node#64500), which no test of ours can cause or catch.
 * Such a file is run once more, on its own, and the notice names it; a test that fails still
 * fails.
 */
function crashedFiles(report: VitestReport): string[] {
  return report.testResults
    .filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'))
    .map((f) => f.name);
}

interface Step {
  name: string;
  cmd: string;
  args: string[];
  report?: string;
}

const steps: Step[] = [
  { name: 'typecheck (node)', cmd: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
  { name: 'typecheck (renderer)', cmd: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.web.json'] },
  { name: 'lint', cmd: bin('eslint'), args: ['--max-warnings', '0', '.'] },
  { name: 'format', cmd: bin('prettier'), args: ['--check', '--log-level', 'warn', '.'] },
  { name: 'build (desktop + renderer)', cmd: bin('electron-vite'), args: ['build'] },
  {
    name: 'unit and integration tests',
    cmd: bin('vitest'),
    args: [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(reports, 'unit.json')}`,
    ],
    report: path.join(reports, 'unit.json'),
  },
  {
    name: 'end-to-end tests',
    cmd: bin('vitest'),
    args: [
      'run',
      '--config',
      'vitest.e2e.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(reports, 'e2e.json')}`,
    ],
    report: path.join(reports, 'e2e.json'),
  },
  {
    // Incremental: only mutants whose module or tests changed since reports/mutation/incremental
    // are tested again (under a minute when nothing changed), so CI can afford it.
    name: 'mutation testing (incremental, 90 % per rule module)',
    cmd: process.execPath,
    args: [path.join(root, 'scripts', 'mutation.ts')],
  },
];

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];
const started = Date.now();
for (const step of steps) {
  const t0 = Date.now();
  process.stdout.write(`\n▶ ${step.name}\n`);
  const r = spawnSync(step.cmd, step.args, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  let status = r.status;
  if (step.report) {
    let report = readReport(step.report);
    const crashed =
      report && status !== 0 && report.numFailedTests === 0 ? crashedFiles(report) : [];
    if (report && crashed.length > 0) {
      process.stdout.write(
        `\n! A test process died with no test failing (see above) in: ${crashed.join(', ')}.\n` +
          `! Running ${crashed.length === 1 ? 'it' : 'them'} once more, on ${crashed.length === 1 ? 'its' : 'their'} own.\n`,
      );
      const again = `${step.report}.again.json`;
      const configArgs = step.args.includes('--config')
        ? ['--config', step.args[step.args.indexOf('--config') + 1] ?? '']
        : [];
      const rerun = spawnSync(
        step.cmd,
        [
          'run',
          ...configArgs,
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${again}`,
          ...crashed,
        ],
        { cwd: root, stdio: 'inherit', env: process.env },
      );
      const second = readReport(again);
      if (second && rerun.status === 0) {
        // Count the crashed files as the rerun found them, the rest as the first run did.
        const first = report.testResults.filter((f) => crashed.includes(f.name));
        const count = (files: VitestReport['testResults'], st: string) =>
          files.reduce((n, f) => n + f.assertionResults.filter((a) => a.status === st).length, 0);
        report = {
          ...report,
          numPassedTests: report.numPassedTests - count(first, 'passed') + second.numPassedTests,
          numPendingTests:
            report.numPendingTests - count(first, 'pending') + second.numPendingTests,
          numTodoTests: report.numTodoTests - count(first, 'todo') + second.numTodoTests,
        };
        status = 0;
      }
    }
    if (report) {
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      skipped += report.numPendingTests + report.numTodoTests;
    }
    if (status !== 0 && !(report && report.numFailedTests > 0)) failed += 1; // crashed before reporting
  }
  if (status !== 0) failures.push(step.name);
  process.stdout.write(`${status === 0 ? '✔' : '✘'} ${step.name} (${seconds} s)\n`);
}

process.stdout.write(`\nTotal time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
process.stdout.write(
  failures.length ? ` Failed steps: ${failures.join(', ')}.\n` : ' Every step passed.\n',
);
if (skipped > 0) {
  failures.push('skipped tests');
  process.stdout.write(`${skipped} test(s) were skipped or left as todo: every test must run.\n`);
}
// Static checks and builds count too: a failed step is a failure even when every test passed.
const failedChecks = failures.filter((f) => !steps.some((st) => st.name === f && st.report)).length;
process.stdout.write(`${passed} passed, ${failed + failedChecks} failed\n`);
process.exit(failures.length ? 1 : 0);
