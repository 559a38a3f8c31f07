// The audit actions the source writes are the ones core/audit/actions.ts lists (issue 16), so a
// new action cannot reach the log without a label (renderer/i18n/labels.test.ts checks those).
//
// How the source is read, kept simple on purpose:
// - every non-test .ts file under core/ and electron/ that writes audit entries (calls
//   `.record(`) is read whole;
// - in it, every quoted code `'<group>.<name>'` whose group is one the list uses (`user`,
//   `firearm`…) must be a listed action, unless NOT_ACTIONS says what else it is (a setting
//   key, a domain event). This also catches codes passed through a helper's parameter
//   (`this.apply(…, 'integration.pause')`);
// - `action:` followed by a template literal must be one of TEMPLATES, with the codes it makes;
// - the other way round, every listed action is written somewhere, so the list does not rot.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, CHECK_EVENT_KINDS } from './actions.ts';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

const writers = [...sources('core'), ...sources('electron')]
  .map((file) => ({ file, text: fs.readFileSync(path.join(root, file), 'utf8') }))
  .filter((f) => f.text.includes('.record('));

/** Dotted codes in audit-writing files that are not audit actions, and what they are. */
const NOT_ACTIONS: Record<string, string> = {
  'store.name': 'store setting key (core/store/service.ts)',
  'store.state': 'store setting key',
  'store.ffl': 'store setting key',
  'firearms.compliance_alert_on': 'setting key (core/firearms/reports.ts)',
  'store.form4473_filed_numerically': 'store setting key',
  'pharmacy.rx30': 'integration provider code',
  'check.resolved': 'domain event type',
  'firearm.acquired': 'domain event type',
  'firearm.disposed': 'domain event type',
  'backup.completed': 'domain event type',
  'backup.failed': 'domain event type',
  'integration.test': 'domain event type (the test event a connection sends)',
};

/** Actions built from a template, with every code each one can make. */
const TEMPLATES: Record<string, readonly string[]> = {
  'check.${r.kind}': CHECK_EVENT_KINDS.map((k) => `check.${k}`),
};

const listed = new Set<string>(AUDIT_ACTIONS);
const groups = new Set(AUDIT_ACTIONS.map((a) => a.split('.')[0]));

const quotedCodes = (text: string) =>
  [...text.matchAll(/'([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)'/g)]
    .filter((m) => groups.has(m[1] ?? ''))
    .map((m) => `${m[1]}.${m[2]}`);

describe('audit actions in the source', () => {
  it('reads the files that write audit entries (the scan is not empty)', () => {
    const files = writers.map((w) => w.file);
    expect(files).toContain('core/auth/service.ts');
    expect(files).toContain('core/audit/repo.ts');
    expect(files).toContain('electron/ipc.ts');
  });

  it('lists every action code the source writes', () => {
    const unlisted = writers.flatMap(({ file, text }) =>
      quotedCodes(text)
        .filter((c) => !listed.has(c) && !(c in NOT_ACTIONS))
        .map((c) => `${file}: ${c}`),
    );
    expect(unlisted).toEqual([]);
  });

  it('knows every action built from a template, and lists what it makes', () => {
    const templates = writers.flatMap(({ file, text }) =>
      [...text.matchAll(/\baction: `([^`]*)`/g)].map((m) => ({ file, template: m[1] ?? '' })),
    );
    expect(templates.filter((t) => !(t.template in TEMPLATES))).toEqual([]);
    expect(
      Object.values(TEMPLATES)
        .flat()
        .filter((c) => !listed.has(c)),
    ).toEqual([]);
  });

  it('writes every listed action somewhere (no stale entries)', () => {
    const written = new Set([
      ...writers.flatMap(({ text }) => quotedCodes(text)),
      ...Object.values(TEMPLATES).flat(),
    ]);
    expect(AUDIT_ACTIONS.filter((a) => !written.has(a))).toEqual([]);
  });
});
