// The bound book's reports: exports into the backup folder (by hand, with progress, and a
// daily one so the book's copy never depends on someone remembering), the multiple-sale
// reports (ATF Forms 3310.4 and 3310.12) with their filings and deadlines, the overdue list,
// and the morning alert (a `compliance.overdue` domain event) when anything is overdue.
import fs from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { chainAnchorLine } from '../audit/anchor.ts';
import type { AuditLog } from '../audit/repo.ts';
import type { IsoDate } from '../checks/calendar.ts';
import type { NicsPolicy } from '../checks/model.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { conflict, DomainError, notFound } from '../errors.ts';
import { validated } from '../validate.ts';
import { recordDateSchema } from '../dates.ts';
import { regulatedText } from '../text.ts';
import type { Outbox } from '../integrations/outbox.ts';
import type { Logger } from '../log/logger.ts';
import { bookFilterSchema, exportBoundBook, type BookFilter } from './export.ts';
import {
  filingRecipients,
  multipleSaleReports,
  recipientsOf,
  type MultipleSaleReport,
} from './multiple-sale.ts';
import { exportBoundBookPdf, exportCorrectionReportPdf } from './pdf.ts';
import {
  defaultStoreHours,
  overdue,
  type OverdueAlert,
  type OverdueKind,
  storeTimeToMs,
  type StoreHours,
} from './reconcile.ts';

export type ExportFormat = 'csv' | 'ascii' | 'pdf' | 'corrections';

export interface BookExport {
  id: number;
  format: ExportFormat;
  trigger: 'manual' | 'daily';
  file: string;
  status: 'running' | 'done' | 'failed';
  entries: number;
  error: string | null;
  startedBy: string;
  startedAt: number;
  finishedAt: number | null;
  /** The part of the book it holds; empty for the whole book. */
  filters: BookFilter;
}

const extension: Record<ExportFormat, string> = {
  csv: 'csv',
  ascii: 'txt',
  pdf: 'pdf',
  corrections: 'pdf',
};

export type { MultipleSaleReport } from './multiple-sale.ts';

/** A filing of a multiple-sale report as the clerk records it. */
export const filingSchema = z
  .object({
    recipient: z.enum(filingRecipients),
    /** Who received it; ATF when left out for the ATF copy. */
    agency: regulatedText({ what: 'agency', max: 120 }).optional(),
    filedOn: recordDateSchema,
    note: regulatedText({ what: 'note', max: 300, min: 0, lineBreaks: true }).optional(),
  })
  .strict();
export type FilingInput = z.input<typeof filingSchema>;

/** What the dashboard shows: compliance items overdue, and reports due by close today. */
export interface ComplianceSummary {
  overdue: number;
  byKind: Partial<Record<OverdueKind, number>>;
  /** Multiple-sale reports still to file today (not overdue yet). */
  dueToday: number;
  /** The oldest deadline missed, if any. */
  oldestDueOn: IsoDate | null;
}

const ALERT_KEY = 'firearms.compliance_alert_on';

export class BookReports {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly folder: () => string;
  private readonly log: Logger;
  private readonly openReader: () => Db;
  private readonly store: () => { name: string | null; ffl?: string | undefined };
  private readonly storeCalendar: () => StoreHours;
  private readonly policy: ((date: string) => NicsPolicy) | undefined;
  private readonly outbox: Outbox | null;
  private cron: Cron | null = null;
  private alertCron: Cron | null = null;
  private summaryCache: { at: number; summary: ComplianceSummary } | null = null;

  constructor(o: {
    db: Db;
    audit: AuditLog;
    clock: Clock;
    folder: () => string;
    log: Logger;
    /**
     * A read-only connection of its own for the export's long read: while a statement
     * iterates, its connection can take no writes, and the store must keep working.
     */
    openReader: () => Db;
    /** The store's name and FFL number, for the PDF's header. */
    store?: () => { name: string | null; ffl?: string | undefined };
    /** The store's hours and time zone: "today", close of business, the deadlines. */
    storeCalendar?: () => StoreHours;
    /** The check policy in force on a day (which types a 3310.4 counts). */
    policy?: (date: string) => NicsPolicy;
    /** Where the morning `compliance.overdue` alert is published for integrations. */
    outbox?: Outbox;
  }) {
    this.storeCalendar = o.storeCalendar ?? (() => defaultStoreHours);
    this.policy = o.policy;
    this.outbox = o.outbox ?? null;
    this.openReader = o.openReader;
    this.store = o.store ?? (() => ({ name: null }));
    this.db = o.db;
    this.audit = o.audit;
    this.clock = o.clock;
    this.folder = o.folder;
    this.log = o.log;
    // Exports cut off by a stop are failed, not "running" for ever.
    this.db
      .prepare(
        "UPDATE book_exports SET status = 'failed', error = 'The store server stopped during the export.' WHERE status = 'running'",
      )
      .run();
  }

  /**
   * Starts an export into the backup folder and returns at once; `exports()` shows its
   * progress (entries written so far) and its end.
   */
  startExport(
    actor: string,
    format: ExportFormat,
    trigger: 'manual' | 'daily' = 'manual',
    rawFilter: BookFilter = {},
  ) {
    const filter = validated(bookFilterSchema, rawFilter);
    if (format === 'corrections' && (filter.type ?? filter.manufacturer ?? filter.inStoreOnly))
      throw new DomainError(
        'invalid',
        'filter_not_for_corrections',
        'The correction report takes a period only: clear the type, maker and in-store filters.',
      );
    const filters = Object.keys(filter).length > 0 ? JSON.stringify(filter) : null;
    const folder = path.join(this.folder(), 'bound-book');
    const stamp = new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-');
    const name = `${format === 'corrections' ? 'corrections' : 'bound-book'}-${stamp}.${extension[format]}`;
    const file = path.join(folder, name);
    const id = Number(
      this.db
        .prepare(
          "INSERT INTO book_exports (format, trigger, file, filters, status, started_by, started_at) VALUES (?, ?, ?, ?, 'running', ?, ?)",
        )
        .run(format, trigger, file, filters, actor, this.clock.now()).lastInsertRowid,
    );
    this.audit.record({
      actor,
      action: 'firearm.export',
      entity: 'ledger',
      entityId: id,
      payload: { format, trigger, filter },
    });
    const progress = (n: number) =>
      this.db.prepare('UPDATE book_exports SET entries = ? WHERE id = ?').run(n, id);
    // The folder and the reader are made inside the run, so a failure is recorded on the row.
    const run = (async () => {
      fs.mkdirSync(folder, { recursive: true });
      const reader = this.openReader();
      // The chain head as this export's own connection sees it, before the rows: an inspector
      // holding the export can later ask whether the store's chain still holds it (14 §3).
      const anchor = chainAnchorLine(reader, this.clock.now());
      const { name, ffl } = this.store();
      const header = {
        ...(name ? { storeName: name } : {}),
        ...(ffl ? { licenseNumber: ffl } : {}),
      };
      try {
        return await (
          format === 'pdf'
            ? exportBoundBookPdf(reader, file, progress, { ...header, ...filter })
            : format === 'corrections'
              ? exportCorrectionReportPdf(reader, file, {
                  ...header,
                  ...(filter.from ? { from: filter.from } : {}),
                  ...(filter.to ? { to: filter.to } : {}),
                })
              : exportBoundBook(reader, file, format, progress, filter)
        ).then((n) => {
          fs.writeFileSync(`${file}.chain.txt`, `${anchor}\r\n`, { mode: 0o600 });
          return n;
        });
      } finally {
        reader.close();
      }
    })();
    const done = run.then(
      (n) => {
        this.db
          .prepare(
            "UPDATE book_exports SET status = 'done', entries = ?, finished_at = ? WHERE id = ?",
          )
          .run(n, this.clock.now(), id);
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.log.error('A bound book export failed', { id, format, error: message });
        this.db
          .prepare(
            "UPDATE book_exports SET status = 'failed', error = ?, finished_at = ? WHERE id = ?",
          )
          .run(
            `The export could not be written: ${message}. Check that ${folder} exists and has free space.`,
            this.clock.now(),
            id,
          );
      },
    );
    return { id, done };
  }

  /** Recent exports, newest first. */
  exports(limit = 20): BookExport[] {
    return (
      this.db.prepare('SELECT * FROM book_exports ORDER BY id DESC LIMIT ?').all(limit) as {
        id: number;
        format: ExportFormat;
        trigger: 'manual' | 'daily';
        file: string;
        status: BookExport['status'];
        entries: number;
        error: string | null;
        started_by: string;
        started_at: number;
        finished_at: number | null;
        filters: string | null;
      }[]
    ).map((r) => ({
      id: r.id,
      format: r.format,
      trigger: r.trigger,
      file: r.file,
      status: r.status,
      entries: r.entries,
      error: r.error,
      startedBy: r.started_by,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      filters: r.filters ? bookFilterSchema.parse(JSON.parse(r.filters)) : {},
    }));
  }

  /** The daily CSV of the whole book into the backup folder, at `at` ("HH:MM"). */
  scheduleDaily(at = '23:30'): void {
    this.cron?.stop();
    const [hh, mm] = at.split(':');
    this.cron = new Cron(`${Number(mm)} ${Number(hh)} * * *`, { protect: true }, async () => {
      await this.startExport('system', 'csv', 'daily').done;
    });
  }

  nextDailyExport(): string | null {
    return this.cron?.nextRun()?.toISOString() ?? null;
  }

  stop(): void {
    this.cron?.stop();
    this.cron = null;
    this.alertCron?.stop();
    this.alertCron = null;
  }

  /** The store's calendar date now (its time zone, not this PC's). */
  private today(): IsoDate {
    return this.storeCalendar().dateOf(this.clock.now());
  }

  /**
   * Multiple-sale reports with their filings and where each stands: those still to file
   * (overdue first), or every one (filed and kept on file too, most recent first).
   */
  multipleSales(o: { includeFiled: boolean; dispositionId?: number }): MultipleSaleReport[] {
    return multipleSaleReports(this.db, {
      now: this.clock.now(),
      storeHours: this.storeCalendar(),
      includeSettled: o.includeFiled,
      ...(o.dispositionId !== undefined ? { dispositionId: o.dispositionId } : {}),
      ...(this.policy ? { policy: this.policy } : {}),
    });
  }

  /** The multiple-sale form a disposition was flagged for, if any. */
  flagOf(dispositionId: number): '3310.4' | '3310.12' | null {
    return (
      (this.db
        .prepare('SELECT form FROM multiple_sale_flags WHERE disposition_id = ?')
        .pluck()
        .get(dispositionId) as '3310.4' | '3310.12' | undefined) ?? null
    );
  }

  /**
   * Records a filing of a multiple-sale report (27 CFR 478.126a): to ATF, or for Form 3310.4
   * to the state police or local law enforcement agency as well; the date, who and to whom.
   * Once per recipient; a report that is no longer a multiple sale may still be filed.
   */
  recordFiling(actor: string, dispositionId: number, raw: FilingInput): MultipleSaleReport {
    const f = validated(filingSchema, raw);
    return this.db
      .transaction(() => {
        const [report] = this.multipleSales({ includeFiled: true, dispositionId });
        if (!report)
          throw notFound(
            'no_multiple_sale',
            `Disposition ${dispositionId} has no multiple-sale report.`,
          );
        if (!recipientsOf(report.form).includes(f.recipient))
          throw new DomainError(
            'invalid',
            'recipient_not_required',
            `Form ${report.form} goes to ATF only: there is no copy for law enforcement to record.`,
          );
        const agency = f.agency ?? (f.recipient === 'atf' ? 'ATF' : null);
        if (!agency)
          throw new DomainError(
            'invalid',
            'agency_required',
            'Enter the agency the report went to (the state police, or the local police or sheriff).',
            [{ path: 'agency', message: 'Enter the agency the report went to.' }],
          );
        const earlier = report.filings.find((x) => x.recipient === f.recipient);
        if (earlier)
          throw conflict(
            'already_filed',
            `The report for disposition ${dispositionId} was filed with ${earlier.agency} on ${earlier.filedOn}.`,
          );
        if (f.filedOn > this.today())
          throw new DomainError(
            'invalid',
            'future_date',
            'The filing date cannot be in the future.',
          );
        if (f.filedOn < report.occurredOn)
          throw new DomainError(
            'invalid',
            'before_sale',
            `The multiple sale occurred on ${report.occurredOn}: the report cannot have been filed before that.`,
          );
        this.db
          .prepare(
            'INSERT INTO multiple_sale_report_filings (disposition_id, recipient, agency, filed_on, note, filed_by, filed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            dispositionId,
            f.recipient,
            agency,
            f.filedOn,
            f.note ?? null,
            actor,
            this.clock.now(),
          );
        this.audit.record({
          actor,
          action: 'firearm.multiple_sale_filed',
          entity: 'firearm',
          entityId: report.itemId,
          payload: {
            disposition: dispositionId,
            form: report.form,
            recipient: f.recipient,
            agency,
            filedOn: f.filedOn,
          },
        });
        this.summaryCache = null;
        const [after] = this.multipleSales({ includeFiled: true, dispositionId });
        if (!after) throw new Error('The filing was not recorded.');
        return after;
      })
      .immediate();
  }

  /** Marks a multiple-sale report filed with ATF (the state or local copy: recordFiling). */
  markFiled(actor: string, dispositionId: number, o: { filedOn: string; note?: string }): void {
    this.recordFiling(actor, dispositionId, {
      recipient: 'atf',
      filedOn: o.filedOn,
      ...(o.note ? { note: o.note } : {}),
    });
  }

  /**
   * Deadlines missed, oldest first (reconcile.ts `overdue`): late entries, dispositions pending
   * too long or entered late, unmarked PMFs, and multiple-sale reports not filed by close of
   * business, in the store's time zone.
   */
  overdue(): OverdueAlert[] {
    const marked = this.db.prepare('SELECT 1 FROM pmf_markings WHERE item_id = ?');
    return overdue(this.db, {
      now: this.clock.now(),
      storeHours: this.storeCalendar(),
      isMarked: (itemId) => marked.get(itemId) !== undefined,
      ...(this.policy ? { policy: this.policy } : {}),
    });
  }

  /**
   * What the dashboard shows. Reading the deadlines walks the book, so the answer is kept for
   * a minute (a filing recorded here clears it); the Reports tab always reads afresh.
   */
  complianceSummary(): ComplianceSummary {
    const now = this.clock.now();
    if (this.summaryCache && now - this.summaryCache.at < 60_000 && now >= this.summaryCache.at)
      return this.summaryCache.summary;
    const alerts = this.overdue();
    const byKind: Partial<Record<OverdueKind, number>> = {};
    for (const a of alerts) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
    const summary: ComplianceSummary = {
      overdue: alerts.length,
      byKind,
      dueToday: this.multipleSales({ includeFiled: false }).filter((r) => r.status === 'to_file')
        .length,
      oldestDueOn: alerts[0]?.dueOn ?? null,
    };
    this.summaryCache = { at: now, summary };
    return summary;
  }

  /**
   * The morning alert: once a store day, from `at` on the store's clocks, a
   * `compliance.overdue` domain event when anything is overdue (webhooks subscribed to it
   * alert someone). The day is recorded as done either way, so a restart does not repeat it.
   * Returns whether it published.
   */
  publishDailyAlert(at = '08:00'): { published: boolean; on: IsoDate; overdue: number } {
    const calendar = this.storeCalendar();
    const now = this.clock.now();
    const on = calendar.dateOf(now);
    const none = { published: false, on, overdue: 0 };
    if (!this.outbox) return none;
    if (now < storeTimeToMs(on, at, calendar.timeZone)) return none;
    const done = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(ALERT_KEY);
    if (done === on) return none;
    const alerts = this.overdue();
    const outbox = this.outbox;
    this.db
      .transaction(() => {
        this.db
          .prepare(
            'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
          )
          .run(ALERT_KEY, on);
        if (alerts.length > 0)
          outbox.publish({
            type: 'compliance.overdue',
            entity: 'ledger',
            entityId: on,
            // What a receiver needs to alert someone; never a buyer's name or address.
            data: {
              on,
              overdue: alerts.length,
              items: alerts.map((a) => ({
                kind: a.kind,
                ...(a.form ? { form: a.form } : {}),
                entry: a.entry,
                serial: a.serial,
                dispositionId: a.dispositionId,
                dueOn: a.dueOn,
                daysOverdue: a.daysOverdue,
              })),
            },
          });
      })
      .immediate();
    return { published: alerts.length > 0, on, overdue: alerts.length };
  }

  /** Checks for the morning alert now and every quarter hour (it publishes once a day). */
  scheduleAlerts(at = '08:00'): void {
    this.alertCron?.stop();
    const check = () => {
      try {
        this.publishDailyAlert(at);
      } catch (error) {
        this.log.error('The compliance alert could not be published', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    };
    this.alertCron = new Cron('*/15 * * * *', { protect: true }, check);
    check();
  }
}
