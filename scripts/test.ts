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
});

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
  if (step.report) {
    const parsed = fs.existsSync(step.report)
      ? vitestReport.safeParse(JSON.parse(fs.readFileSync(step.report, 'utf8')))
      : null;
    if (parsed?.success) {
      passed += parsed.data.numPassedTests;
      failed += parsed.data.numFailedTests;
      skipped += parsed.data.numPendingTests + parsed.data.numTodoTests;
    }
    if (r.status !== 0 && !(parsed?.success && parsed.data.numFailedTests > 0)) failed += 1; // crashed before reporting
  }
  if (r.status !== 0) failures.push(step.name);
  process.stdout.write(`${r.status === 0 ? '✔' : '✘'} ${step.name} (${seconds} s)\n`);
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
