// Pure helpers of the audit log viewer.
import type { AuditEntry, AuditQuery } from '../../core/audit/model.ts';
import { dayBoundary } from './format.ts';

export interface AuditFilters {
  actor: string | null;
  entity: string | null;
  action: string | null;
  /** `YYYY-MM-DD` local days from date inputs, or ''. */
  fromDay: string;
  toDay: string;
}

export const noFilters: AuditFilters = {
  actor: null,
  entity: null,
  action: null,
  fromDay: '',
  toDay: '',
};

export const hasFilters = (f: AuditFilters) =>
  Boolean(f.actor || f.entity || f.action || f.fromDay || f.toDay);

/** The audit.query input for the filters: whole local days, both ends included. */
export function queryOf(f: AuditFilters, limit: number): AuditQuery {
  const from = f.fromDay ? dayBoundary(f.fromDay, 'start') : undefined;
  const to = f.toDay ? dayBoundary(f.toDay, 'end') : undefined;
  return {
    limit,
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.entity ? { entity: f.entity } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

export interface Page {
  entries: AuditEntry[];
  nextBeforeSeq: number | null;
}

/**
 * Live update: puts the newest page's new entries on top of what is shown, keeping the
 * older pages the reader loaded. If more arrived than a page holds, starts over from the
 * newest page (a gap would otherwise hide entries).
 */
export function mergeNewest(shown: Page, newest: Page): Page {
  const top = shown.entries[0]?.seq;
  if (top === undefined) return newest;
  const fresh = newest.entries.filter((e) => e.seq > top);
  if (fresh.length === newest.entries.length && newest.nextBeforeSeq !== null) return newest;
  if (fresh.length === 0) return shown;
  return { entries: [...fresh, ...shown.entries], nextBeforeSeq: shown.nextBeforeSeq };
}

/** "Load older": the next page goes below, without duplicates. */
export function appendOlder(shown: Page, older: Page): Page {
  const last = shown.entries.at(-1)?.seq ?? Number.POSITIVE_INFINITY;
  return {
    entries: [...shown.entries, ...older.entries.filter((e) => e.seq < last)],
    nextBeforeSeq: older.nextBeforeSeq,
  };
}
