// The layer rules of ARCHITECTURE.md live in the lint config; this proves they bite.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layer rules', () => {
  it.each([
    [
      'core/x.ts',
      "import { APP_ORIGIN } from '../electron/security.ts';\nexport const x = APP_ORIGIN;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'preload/x.ts',
      "import { IPC_CHANNEL } from '../core/api/ipc-bridge.ts';\nexport const x = IPC_CHANNEL;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'renderer/x.ts',
      "import { AuditLog } from '../core/audit/repo.ts';\nexport const x = AuditLog;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'renderer/x.ts',
      "import fs from 'node:fs';\nexport const x = fs;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'drivers/x.ts',
      "import { x } from '../sync/x.ts';\nexport const y = x;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'core/db/x.ts',
      "import { x } from '../../simulators/x.ts';\nexport const y = x;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'core/x.ts',
      "import { app } from 'electron';\nexport const y = app;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'electron/x.ts',
      "import { App } from '../renderer/App.tsx';\nexport const x = App;\n",
      '@typescript-eslint/no-restricted-imports',
    ],
  ])('refuses %s importing across a layer', async (file, code, rule) => {
    expect(await problems(file, code)).toContain(rule);
  });

  it('lets the renderer import types and pure model modules from core', async () => {
    const code =
      "import type { AppRouter } from '../core/api/router.ts';\nimport { pinSchema } from '../core/auth/model.ts';\nexport type R = AppRouter;\nexport const p = pinSchema;\n";
    expect(await problems('renderer/x.ts', code)).toEqual([]);
  });
});

// Issue 14 §2: a test that reads the wall clock where a test clock exists fails some days.
describe('the wall-clock guard on tests', () => {
  it.each([
    ['core/x.test.ts', 'export const t = Date.now();\n'],
    ['core/x.test.ts', 'export const d = new Date();\n'],
    ['e2e/x.e2e.test.ts', 'export const today = new Date().toISOString().slice(0, 10);\n'],
    ['renderer/x.test.tsx', 'export const t = Date.now();\n'],
  ])('refuses %s reading the wall clock', async (file, code) => {
    expect(await problems(file, code)).toContain('no-restricted-syntax');
  });

  it('lets tests build a fixed date, and product code read the clock', async () => {
    expect(await problems('core/x.test.ts', "export const d = new Date('2026-01-05');\n")).toEqual(
      [],
    );
    expect(await problems('core/x.ts', 'export const t = Date.now();\n')).toEqual([]);
  });

  it('accepts a reasoned exception on the line', async () => {
    const code =
      '// eslint-disable-next-line no-restricted-syntax -- a real socket timeout\nexport const t = Date.now();\n';
    expect(await problems('core/x.test.ts', code)).toEqual([]);
  });
});
