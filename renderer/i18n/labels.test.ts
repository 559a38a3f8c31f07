// Issue 16: every audit action and every API error reason has an English and a Spanish label.
// The lists are the server's own (core/audit/actions.ts, core/error-reasons.ts); tests beside
// them (core/audit/actions.test.ts, core/api/reasons.test.ts) check that the source writes
// and throws nothing the lists lack.
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../core/audit/model.ts';
import { API_ERROR_REASONS } from '../../core/api/model.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { actionLabelKey, catalogueKey } from './index.ts';

type Labels = Record<string, string>;
const catalogues: [string, { actions: Labels; errors: Labels }][] = [
  ['en', en],
  ['es', es],
];

/** Codes of `codes` whose label in `labels` is absent or blank. */
const unlabelled = (codes: readonly string[], labels: Labels, key: (c: string) => string) =>
  codes.filter((c) => {
    const label = Object.hasOwn(labels, key(c)) ? labels[key(c)] : undefined;
    return typeof label !== 'string' || label.trim() === '';
  });

describe('labels for what the server writes and says', () => {
  it.each(catalogues)('names every audit action in %s', (_, catalogue) => {
    expect(unlabelled(AUDIT_ACTIONS, catalogue.actions, catalogueKey)).toEqual([]);
  });

  it.each(catalogues)('says every API error reason in %s', (_, catalogue) => {
    expect(unlabelled(API_ERROR_REASONS, catalogue.errors, (r) => r)).toEqual([]);
  });

  it('finds the label of every audit action through actionLabelKey', () => {
    const none = AUDIT_ACTIONS.filter((a) => actionLabelKey(a) === null);
    expect(none).toEqual([]);
  });

  it('has no action label for a code the server does not write', () => {
    const keys = new Set<string>(AUDIT_ACTIONS.map(catalogueKey));
    expect(Object.keys(en.actions).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('has no error label for a reason the server does not give (besides network and unknown)', () => {
    const reasons = new Set<string>(API_ERROR_REASONS);
    const stale = Object.keys(en.errors).filter(
      (k) => k !== 'network' && k !== 'unknown' && !reasons.has(k),
    );
    expect(stale).toEqual([]);
  });

  it('uses no {{parameters}} in error labels: a reason crosses the API without any', () => {
    const withParams = catalogues.flatMap(([lang, c]) =>
      Object.entries(c.errors)
        .filter(([, text]) => text.includes('{{'))
        .map(([k]) => `${lang}.${k}`),
    );
    expect(withParams).toEqual([]);
  });

  it('keeps the lists free of repeats', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(new Set(API_ERROR_REASONS).size).toBe(API_ERROR_REASONS.length);
  });
});
