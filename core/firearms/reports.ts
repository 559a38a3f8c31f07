// The bound book's reports: exports into the backup folder (by hand, with progress, and a
// daily one so the book's copy never depends on someone remembering), and the multiple-sale
// reports (ATF Forms 3310.4 and 3310.12) listed until they are marked filed.
import fs from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import type { AuditLog } from '../audit/repo.ts';
import { localDate, type Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { conflict, DomainError, notFound } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { bookFilterSchema, exportBoundBook, type BookFilter } from './export.ts';
import { exportBoundBookPdf, exportCorrectionReportPdf } from './pdf.ts';

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

export interface MultipleSaleReport {
  dispositionId: number;
  form: '3310.4' | '3310.12';
  flaggedOn: string;
  itemId: number;
  serial: string;
  manufacturer: string;
  model: string;
  type: string;
  caliber: string;
  form4473: string | null;
  /** The other dispositions in the window that make this a multiple sale. */
  related: number[];
  filedOn: string | null;
  filedBy: string | null;
}

export class BookReports {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly folder: () => string;
  private readonly log: Logger;
  private readonly openReader: () => Db;
  private readonly store: () => { name: string | null; ffl?: string | undefined };
  private cron: Cron | null = null;

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
  }) {
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
    const filter = bookFilterSchema.parse(rawFilter);
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
      const { name, ffl } = this.store();
      const header = {
        ...(name ? { storeName: name } : {}),
        ...(ffl ? { licenseNumber: ffl } : {}),
      };
      try {
        return await (format === 'pdf'
          ? exportBoundBookPdf(reader, file, progress, { ...header, ...filter })
          : format === 'corrections'
            ? exportCorrectionReportPdf(reader, file, {
                ...header,
                ...(filter.from ? { from: filter.from } : {}),
                ...(filter.to ? { to: filter.to } : {}),
              })
            : exportBoundBook(reader, file, format, progress, filter));
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
  }

  /** Multiple-sale reports: the unfiled first, then the filed ones (most recent first). */
  multipleSales(o: { includeFiled: boolean; dispositionId?: number }): MultipleSaleReport[] {
    const rows = this.db
      .prepare(
        `SELECT d.id AS dispositionId, coalesce(f.form, '3310.4') AS form, d.disposed_on AS flaggedOn, i.id AS itemId,
                i.serial, i.manufacturer, i.model, i.type, i.caliber, d.form_4473 AS form4473,
                coalesce(f.related, '[]') AS related, m.filed_on AS filedOn, m.filed_by AS filedBy
         FROM ledger_dispositions d
         JOIN firearm_items i ON i.id = d.item_id
         LEFT JOIN multiple_sale_flags f ON f.disposition_id = d.id
         LEFT JOIN multiple_sale_filings m ON m.disposition_id = d.id
         WHERE (d.multiple_sale = 1 OR f.disposition_id IS NOT NULL) AND d.corrects IS NULL
           AND NOT EXISTS (SELECT 1 FROM ledger_dispositions v WHERE v.corrects = d.id)
           AND (? OR m.disposition_id IS NULL) AND (? IS NULL OR d.id = ?)
         ORDER BY m.disposition_id IS NOT NULL, d.id DESC LIMIT 500`,
      )
      .all(o.includeFiled ? 1 : 0, o.dispositionId ?? null, o.dispositionId ?? null) as (Omit<
      MultipleSaleReport,
      'related'
    > & {
      related: string;
    })[];
    return rows.map((r) => ({ ...r, related: JSON.parse(r.related) as number[] }));
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

  /** Marks a multiple-sale report filed with ATF (and the state where required). */
  markFiled(actor: string, dispositionId: number, o: { filedOn: string; note?: string }): void {
    this.db
      .transaction(() => {
        const [flagged] = this.multipleSales({ includeFiled: true, dispositionId });
        if (!flagged)
          throw notFound(
            'no_multiple_sale',
            `Disposition ${dispositionId} has no multiple-sale report.`,
          );
        if (flagged.filedOn)
          throw conflict(
            'already_filed',
            `The report for disposition ${dispositionId} was filed on ${flagged.filedOn}.`,
          );
        if (o.filedOn > localDate(this.clock.now()))
          throw new DomainError(
            'invalid',
            'future_date',
            'The filing date cannot be in the future.',
          );
        this.db
          .prepare(
            'INSERT INTO multiple_sale_filings (disposition_id, filed_on, note, filed_by, filed_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(dispositionId, o.filedOn, o.note ?? null, actor, this.clock.now());
        this.audit.record({
          actor,
          action: 'firearm.multiple_sale_filed',
          entity: 'firearm',
          entityId: flagged.itemId,
          payload: { disposition: dispositionId, form: flagged.form, filedOn: o.filedOn },
        });
      })
      .immediate();
  }
}
