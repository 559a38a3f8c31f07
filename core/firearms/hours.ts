// The store's own hours, time zone and closures, kept in settings: the calendar the bound
// book's deadlines and the multiple-sale window count in. Until the store sets them, the
// shipped defaults (resources/firearms/store-hours.json) apply.
import storeHoursData from '../../resources/firearms/store-hours.json' with { type: 'json' };
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { StoreHours, storeHoursSchema, type StoreHoursConfig } from './reconcile.ts';

const KEY = 'firearms.store_hours';

/** What the settings screen edits: the hours without the shipped file's note. */
export const storeHoursInputSchema = storeHoursSchema.omit({ source: true });
export type StoreHoursInput = ReturnType<typeof storeHoursInputSchema.parse>;

const shipped: StoreHoursInput = storeHoursInputSchema.parse(
  Object.fromEntries(Object.entries(storeHoursData).filter(([k]) => k !== 'source')),
);

export class StoreHoursSettings {
  private readonly db: Db;
  private readonly audit: AuditLog;
  // Building the calendar reads the holiday rules: once per saved version, not per question.
  private cached: { raw: string | undefined; hours: StoreHours } | null = null;

  constructor(o: { db: Db; audit: AuditLog }) {
    this.db = o.db;
    this.audit = o.audit;
  }

  private raw(): string | undefined {
    return this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(KEY) as
      string | undefined;
  }

  /** The hours in force, and whether the store set them or they are the shipped defaults. */
  get(): { hours: StoreHoursInput; custom: boolean } {
    const raw = this.raw();
    if (raw === undefined) return { hours: shipped, custom: false };
    return { hours: storeHoursInputSchema.parse(JSON.parse(raw)), custom: true };
  }

  /** The calendar the book counts in. */
  calendar(): StoreHours {
    const raw = this.raw();
    if (this.cached?.raw !== raw || !this.cached)
      this.cached = { raw, hours: new StoreHours(this.get().hours as StoreHoursConfig) };
    return this.cached.hours;
  }

  update(actor: string, input: unknown): StoreHoursInput {
    const hours = storeHoursInputSchema.parse(input);
    const closedDates = [...new Set(hours.closedDates)].sort();
    const saved = { ...hours, closedDates };
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(KEY, JSON.stringify(saved));
    this.audit.record({
      actor,
      action: 'firearms.store_hours',
      entity: 'settings',
      entityId: KEY,
      payload: saved,
    });
    return saved;
  }
}
