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
