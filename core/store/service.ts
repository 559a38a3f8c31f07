// Reads and changes the store's details (settings rows), audited.
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { storeProfileSchema, type StoreProfile } from './model.ts';

export class StoreProfileService {
  private readonly db: Db;
  private readonly audit: AuditLog;

  constructor(db: Db, audit: AuditLog) {
    this.db = db;
    this.audit = audit;
  }

  /** The details, or null fields where none were set yet. */
  get(): {
    name: string | null;
    state: StoreProfile['state'] | null;
    ffl?: string;
    form4473FiledNumerically: boolean;
  } {
    const read = (key: string) =>
      this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as
        string | undefined;
    const form4473FiledNumerically = read('store.form4473_filed_numerically') === '1';
    const parsed = storeProfileSchema.safeParse({
      name: read('store.name'),
      state: read('store.state'),
      ...(read('store.ffl') ? { ffl: read('store.ffl') } : {}),
    });
    if (parsed.success) return { ...parsed.data, form4473FiledNumerically };
    const state = storeProfileSchema.shape.state.safeParse(read('store.state'));
    return {
      name: read('store.name') ?? null,
      state: state.success ? state.data : null,
      form4473FiledNumerically,
    };
  }

  update(actor: string, input: StoreProfile): StoreProfile {
    const p = storeProfileSchema.parse(input);
    this.db
      .transaction(() => {
        const put = this.db.prepare(
          'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        );
        put.run('store.name', p.name);
        put.run('store.state', p.state);
        if (p.ffl) put.run('store.ffl', p.ffl);
        else this.db.prepare("DELETE FROM settings WHERE key = 'store.ffl'").run();
        put.run('store.form4473_filed_numerically', p.form4473FiledNumerically ? '1' : '0');
        this.audit.record({
          actor,
          action: 'store.profile',
          entity: 'settings',
          entityId: 'store',
          payload: p,
        });
      })
      .immediate();
    return p;
  }
}
