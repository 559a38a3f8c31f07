// Mapping tables (our codes -> a provider's codes, per map group) and cached reference data.
// A mapping change is a new row effective from its time: what was sent last month can be
// explained with last month's mappings, and nothing is rewritten.
import type { AuditLog } from '../audit/repo.ts';
import type { Db } from '../db/open.ts';
import { preparedFor, type Statement } from '../db/statements.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { DOMAIN_EVENTS, type MappingGroup, type ProviderDefinition } from './model.ts';

export interface Mapping {
  internalCode: string;
  externalCode: string;
  effectiveAt: number;
  changedBy: string;
  source: 'local' | 'template';
}

export interface MappingChange extends Omit<Mapping, 'externalCode'> {
  id: number;
  externalCode: string | null;
}

export interface ReferenceItem {
  code: string;
  name: string;
}

/** The internal codes a group maps from. */
export const internalCodesOf = (g: MappingGroup): string[] =>
  g.internalCodes === 'domain_events' ? Object.keys(DOMAIN_EVENTS) : g.internalCodes;

export function groupOf(p: ProviderDefinition, key: string): MappingGroup {
  const g = p.mappingGroups.find((x) => x.key === key);
  if (!g) throw notFound('map_group_not_found', `${p.name} has no map group "${key}".`);
  return g;
}

interface Row {
  id: number;
  internal_code: string;
  external_code: string | null;
  effective_at: number;
  changed_by: string;
  source: 'local' | 'template';
}

export class Mappings {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  private readonly audit: AuditLog;
  /** Current mappings per connection and group; cleared on every change. */
  private cache = new Map<string, Map<string, string>>();

  constructor(db: Db, audit: AuditLog) {
    this.db = db;
    this.sql = preparedFor(this.db);
    this.audit = audit;
  }

  /** The mappings in force at `at`: the latest row per internal code, removals left out. */
  current(connectionId: number, group: string, at: number): Mapping[] {
    const rows = this.sql(
      `SELECT m.* FROM mappings m
         WHERE m.connection_id = ? AND m.map_group = ? AND m.id = (
           SELECT id FROM mappings x
           WHERE x.connection_id = m.connection_id AND x.map_group = m.map_group
             AND x.internal_code = m.internal_code AND x.effective_at <= ?
           ORDER BY x.effective_at DESC, x.id DESC LIMIT 1)
         ORDER BY m.internal_code`,
    ).all(connectionId, group, at) as Row[];
    return rows
      .filter((r) => r.external_code !== null)
      .map((r) => ({
        internalCode: r.internal_code,
        externalCode: r.external_code ?? '',
        effectiveAt: r.effective_at,
        changedBy: r.changed_by,
        source: r.source,
      }));
  }

  /** For adapters: the external code now, or null (cached until the next change). */
  lookup(connectionId: number, group: string, internalCode: string, now: number): string | null {
    const key = `${connectionId}:${group}`;
    let map = this.cache.get(key);
    if (!map) {
      map = new Map(
        this.current(connectionId, group, now).map((m) => [m.internalCode, m.externalCode]),
      );
      this.cache.set(key, map);
    }
    return map.get(internalCode) ?? null;
  }

  /** Every change for a group, newest first (the history view). */
  history(connectionId: number, group: string): MappingChange[] {
    return (
      this.sql(
        'SELECT * FROM mappings WHERE connection_id = ? AND map_group = ? ORDER BY effective_at DESC, id DESC',
      ).all(connectionId, group) as Row[]
    ).map((r) => ({
      id: r.id,
      internalCode: r.internal_code,
      externalCode: r.external_code,
      effectiveAt: r.effective_at,
      changedBy: r.changed_by,
      source: r.source,
    }));
  }

  /**
   * Maps an internal code to an external one from `now` on (null removes the mapping).
   * In a one-to-one group an external code already used by another internal code is refused.
   */
  set(
    actor: string,
    o: {
      connectionId: number;
      provider: ProviderDefinition;
      group: string;
      internalCode: string;
      externalCode: string | null;
      source?: 'local' | 'template';
    },
    now: number,
  ): Mapping[] {
    const g = groupOf(o.provider, o.group);
    if (!internalCodesOf(g).includes(o.internalCode))
      throw invalid(
        'unknown_internal_code',
        `"${o.internalCode}" is not one of the codes ${g.name} maps.`,
      );
    const external = o.externalCode?.trim() ?? null;
    if (external === '')
      throw invalid(
        'external_code_required',
        'Enter the code the provider uses, or remove the mapping.',
      );
    return this.db
      .transaction(() => {
        const now_ = this.current(o.connectionId, o.group, now);
        if (external && g.cardinality === 'one_to_one') {
          const taken = now_.find(
            (m) => m.externalCode === external && m.internalCode !== o.internalCode,
          );
          if (taken)
            throw conflict(
              'external_code_taken',
              `${external} is already mapped from ${taken.internalCode}; in ${g.name} each code is used once.`,
            );
        }
        this.sql(
          'INSERT INTO mappings (connection_id, map_group, internal_code, external_code, effective_at, changed_by, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(o.connectionId, o.group, o.internalCode, external, now, actor, o.source ?? 'local');
        this.audit.record({
          actor,
          action: 'integration.mapping',
          entity: 'connection',
          entityId: o.connectionId,
          payload: {
            group: o.group,
            internal: o.internalCode,
            external,
            source: o.source ?? 'local',
          },
        });
        this.cache.delete(`${o.connectionId}:${o.group}`);
        return this.current(o.connectionId, o.group, now);
      })
      .immediate();
  }

  /** Whether an internal code has ever been mapped here (a template leaves those alone). */
  hasHistory(connectionId: number, group: string, internalCode: string): boolean {
    return (
      this.sql(
        'SELECT 1 FROM mappings WHERE connection_id = ? AND map_group = ? AND internal_code = ? LIMIT 1',
      ).get(connectionId, group, internalCode) !== undefined
    );
  }

  // Reference data: what the provider offers (accounts, tax codes), cached with its age.

  putReference(connectionId: number, kind: string, items: ReferenceItem[], now: number): void {
    this.sql(
      `INSERT INTO reference_data (connection_id, kind, items, refreshed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id, kind) DO UPDATE SET items = excluded.items, refreshed_at = excluded.refreshed_at`,
    ).run(connectionId, kind, JSON.stringify(items), now);
  }

  reference(
    connectionId: number,
    kind: string,
  ): { items: ReferenceItem[]; refreshedAt: number } | null {
    const row = this.sql(
      'SELECT items, refreshed_at FROM reference_data WHERE connection_id = ? AND kind = ?',
    ).get(connectionId, kind) as { items: string; refreshed_at: number } | undefined;
    return row
      ? { items: JSON.parse(row.items) as ReferenceItem[], refreshedAt: row.refreshed_at }
      : null;
  }
}
