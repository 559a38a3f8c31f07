import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/repo.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../errors.ts';
import {
  EMERGENCY_PERMISSIONS,
  breakGlassReasonSchema,
  type EmergencyAccessRecord,
  type EmergencyEnding,
  type Permission,
  type Role,
  type SessionView,
  type UserSummary,
} from './model.ts';
import { hashSecret, secretMatches } from './passwords.ts';
import {
  canGrantRole,
  permissionsOf,
  roleCan,
  usableBeforePasswordChange,
  type SecurityPolicy,
} from './policy.ts';

interface EmergencyAccessRow {
  id: number;
  username: string;
  reason: string;
  opened_at: number;
  until: number;
  how: EmergencyEnding | null;
  ended_at: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  pin_hash: string | null;
  disabled: 0 | 1;
  must_change_password: 0 | 1;
  failed_logins: number;
  locked_until: number | null;
  created_at: string;
}

export interface Session {
  readonly token: string;
  readonly userId: number;
  readonly startedAt: number;
  lastActiveAt: number;
  locked: boolean;
  pinFailures: number;
  /** Emergency access (break glass): held by the session, so it ends with it. */
  emergency?: EmergencyGrant;
}

export interface EmergencyGrant {
  /** Epoch ms; the grant is over from this moment. */
  until: number;
  reason: string;
  /** Its row in emergency_access, where its ending is recorded too. */
  accessId: number;
}

/** Why a session may use a permission: its role, or only its emergency grant. */
export type AccessGrant = { by: 'role' } | { by: 'emergency'; reason: string };

/** Who did it, as the audit log names them. */
export type Actor = { userId: number; username: string } | 'system';
export const actorName = (a: Actor) => (a === 'system' ? 'system' : a.username);

/** The audit actor for a sign-in attempt with a name that is no user's. */
export const UNKNOWN_USER = 'unknown-user';
// Verified against when the username does not exist, so timing does not reveal which users exist.
const DUMMY_HASH = hashSecret('backroom-no-such-user');

const toSummary = (r: UserRow): UserSummary => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  disabled: r.disabled === 1,
  hasPin: r.pin_hash !== null,
  mustChangePassword: r.must_change_password === 1,
  lockedUntil: r.locked_until ? new Date(r.locked_until).toISOString() : null,
  createdAt: r.created_at,
});

export interface AuthOptions {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  policy: SecurityPolicy;
  /** Overrides the policy's idle timeout (tests and kiosk set-ups). */
  idleTimeoutMs?: number;
}

export class AuthService {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private readonly policy: SecurityPolicy;
  readonly idleTimeoutMs: number;
  private readonly sessions = new Map<string, Session>();
  private readonly attemptsByAddress = new Map<string, number[]>();

  constructor(o: AuthOptions) {
    this.db = o.db;
    this.audit = o.audit;
    this.clock = o.clock;
    this.policy = o.policy;
    this.idleTimeoutMs = o.idleTimeoutMs ?? o.policy.idleTimeoutMinutes * 60_000;
  }

  private nowIso = () => new Date(this.clock.now()).toISOString();

  private userById(id: number): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  private requireUser(id: number): UserRow {
    const row = this.userById(id);
    if (!row) throw notFound('user_not_found', `There is no user with id ${id}.`);
    return row;
  }

  needsSetup(): boolean {
    return this.db.prepare('SELECT count(*) FROM users').pluck().get() === 0;
  }

  /** First run: the owner account. Refused once any user exists. */
  async setupOwner(input: {
    username: string;
    displayName: string;
    password: string;
    pin?: string | undefined;
  }): Promise<UserSummary> {
    const passwordHash = await hashSecret(input.password);
    const pinHash = input.pin ? await hashSecret(input.pin) : null;
    const row = this.db
      .transaction(() => {
        if (!this.needsSetup()) {
          throw conflict(
            'already_set_up',
            'This store is already set up. Sign in with the owner account.',
          );
        }
        const id = this.insertUser(
          input.username,
          input.displayName,
          'owner',
          passwordHash,
          pinHash,
          false,
        );
        this.audit.record({
          actor: input.username,
          action: 'auth.setup_owner',
          entity: 'user',
          entityId: id,
          payload: { username: input.username },
        });
        return this.requireUser(id);
      })
      .immediate();
    return toSummary(row);
  }

  private insertUser(
    username: string,
    displayName: string,
    role: Role,
    passwordHash: string,
    pinHash: string | null,
    mustChange: boolean,
  ): number {
    const now = this.nowIso();
    const existing = this.db.prepare('SELECT id FROM users WHERE username = ?').get(username);
    if (existing)
      throw conflict(
        'username_taken',
        `The username "${username}" is already in use. Choose another.`,
      );
    return Number(
      this.db
        .prepare(
          `INSERT INTO users (username, display_name, role, password_hash, pin_hash, must_change_password, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(username, displayName, role, passwordHash, pinHash, mustChange ? 1 : 0, now, now)
        .lastInsertRowid,
    );
  }

  private throttleAddress(address: string): void {
    const now = this.clock.now();
    const recent = (this.attemptsByAddress.get(address) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.policy.loginAttemptsPerMinutePerAddress) {
      throw new DomainError(
        'rate_limited',
        'too_many_attempts',
        'Too many sign-in attempts from this computer. Wait a minute and try again.',
      );
    }
    recent.push(now);
    this.attemptsByAddress.set(address, recent);
    // Forget addresses that have gone quiet, so the map cannot grow without end.
    if (this.attemptsByAddress.size > 1_000) {
      for (const [a, times] of this.attemptsByAddress) {
        if (times.every((t) => now - t >= 60_000)) this.attemptsByAddress.delete(a);
      }
    }
  }

  async login(
    input: { username: string; password: string },
    address: string,
  ): Promise<{ token: string; session: SessionView }> {
    this.throttleAddress(address);
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(input.username) as
      UserRow | undefined;
    const deny = (
      reason: string,
      message: string,
      kind: 'unauthenticated' | 'locked' = 'unauthenticated',
    ): never => {
      this.audit.record({
        // An unknown name is not written down: people type passwords into the name field.
        actor: row ? row.username : UNKNOWN_USER,
        action: 'auth.login',
        entity: 'user',
        entityId: row?.id ?? null,
        outcome: 'denied',
        payload: { reason, address },
      });
      throw new DomainError(kind, reason, message);
    };
    const lockedMessage = (until: number) =>
      `This account is locked after ${this.policy.maxFailedLogins} wrong passwords. Try again after ${new Date(until).toLocaleTimeString('en-US')}, or ask a manager to reset the password.`;
    if (row?.locked_until && row.locked_until > this.clock.now()) {
      deny('account_locked', lockedMessage(row.locked_until), 'locked');
    }
    const ok = await secretMatches(row?.password_hash ?? (await DUMMY_HASH), input.password);
    if (!row || !ok) {
      if (row) {
        // Counted in one statement, so attempts made in parallel cannot slip past the lockout.
        const lockUntil = this.db
          .transaction(() => {
            const failures = this.db
              .prepare(
                'UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins',
              )
              .pluck()
              .get(row.id) as number;
            if (failures < this.policy.maxFailedLogins) return null;
            const until = this.clock.now() + this.policy.lockoutMinutes * 60_000;
            this.db
              .prepare('UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?')
              .run(until, row.id);
            return until;
          })
          .immediate();
        if (lockUntil) {
          deny(
            'account_locked',
            `Too many wrong passwords: this account is locked for ${this.policy.lockoutMinutes} minutes. Ask a manager to reset the password if you have forgotten it.`,
            'locked',
          );
        }
      }
      deny('wrong_credentials', 'Wrong username or password.');
    }
    const user = row as UserRow;
    if (user.disabled)
      deny('account_disabled', 'This account is disabled. Ask a manager to enable it.');
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      token,
      userId: user.id,
      startedAt: now,
      lastActiveAt: now,
      locked: false,
      pinFailures: 0,
    };
    const lockedMeanwhile = this.db
      .transaction(() => {
        // A wrong attempt running in parallel may have locked the account while we checked.
        const until = this.db
          .prepare('SELECT locked_until FROM users WHERE id = ?')
          .pluck()
          .get(user.id) as number | null;
        if (until && until > now) return until;
        this.db
          .prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?')
          .run(user.id);
        this.audit.record({
          actor: user.username,
          action: 'auth.login',
          entity: 'user',
          entityId: user.id,
          payload: { address },
        });
        return null;
      })
      .immediate();
    if (lockedMeanwhile) deny('account_locked', lockedMessage(lockedMeanwhile), 'locked');
    this.sessions.set(token, session);
    return { token, session: this.view(session) };
  }

  /**
   * Resolves a session token. An idle session locks (HIPAA automatic log-off); a locked one
   * answers only to procedures that allow it (unlock, logout, who-am-I).
   */
  authenticate(
    token: string | null | undefined,
    opts: { allowLocked?: boolean; touch?: boolean } = {},
  ): { session: Session; user: UserSummary } {
    const session = token ? this.sessions.get(token) : undefined;
    const now = this.clock.now();
    if (!session || now - session.startedAt > this.policy.sessionMaxHours * 3_600_000) {
      if (session) this.forget(session);
      throw new DomainError(
        'unauthenticated',
        'not_signed_in',
        'You are not signed in. Sign in to continue.',
      );
    }
    const row = this.userById(session.userId);
    if (!row || row.disabled) {
      this.forget(session);
      throw new DomainError(
        'unauthenticated',
        'account_disabled',
        'This account was disabled. Ask a manager.',
      );
    }
    this.expireEmergency(session, row);
    if (!session.locked && now - session.lastActiveAt >= this.idleTimeoutMs) {
      session.locked = true;
      this.audit.record({
        actor: row.username,
        action: 'auth.lock',
        entity: 'user',
        entityId: row.id,
        payload: { reason: 'idle' },
      });
    }
    if (session.locked && !opts.allowLocked) {
      throw new DomainError(
        'locked',
        'session_locked',
        'The screen is locked. Unlock it with your PIN or password.',
      );
    }
    if (!session.locked && opts.touch !== false) session.lastActiveAt = now;
    return { session, user: toSummary(row) };
  }

  view(session: Session): SessionView {
    const row = this.requireUser(session.userId);
    const grant = this.activeEmergency(session, row);
    const own = permissionsOf(row.role);
    return {
      user: toSummary(row),
      permissions: grant ? [...own, ...EMERGENCY_PERMISSIONS.filter((p) => !own.includes(p))] : own,
      locked: session.locked,
      idleTimeoutMs: this.idleTimeoutMs,
      emergencyUntil: grant ? new Date(grant.until).toISOString() : null,
    };
  }

  /** What the user's role allows. Emergency access is per session: see sessionCan. */
  can(user: UserSummary, permission: Permission): boolean {
    return roleCan(user.role, permission);
  }

  /**
   * What this session may do: the role's permissions, plus the pickup screen while emergency
   * access is on. Says which, so the API can audit every step taken only under the grant.
   */
  sessionCan(session: Session, user: UserSummary, permission: Permission): AccessGrant | null {
    if (roleCan(user.role, permission)) return { by: 'role' };
    if (!EMERGENCY_PERMISSIONS.includes(permission)) return null;
    const grant = this.activeEmergency(session, this.requireUser(session.userId));
    return grant ? { by: 'emergency', reason: grant.reason } : null;
  }

  /**
   * Break glass (HIPAA 45 CFR 164.312(a)(2)(ii), emergency access procedure): a manager opens
   * the pickup screen for breakGlassMinutes, giving a reason; the grant and each step are audited.
   */
  breakGlass(session: Session, username: string, reason: string): SessionView {
    const row = this.requireUser(session.userId);
    const deny = (why: string, message: string): never => {
      // The attempt is on record too: a refused emergency is still worth a reviewer's look.
      this.audit.record({
        actor: username,
        action: 'auth.break_glass',
        entity: 'user',
        entityId: row.id,
        outcome: 'denied',
        payload: { why },
      });
      throw forbidden(why, message);
    };
    if (!roleCan(row.role, 'pharmacy:break_glass')) {
      deny(
        'missing_permission',
        `Your role (${row.role.replace('_', ' ')}) cannot use emergency access to the pharmacy. Ask a store manager or the owner.`,
      );
    }
    if (EMERGENCY_PERMISSIONS.every((p) => roleCan(row.role, p))) {
      deny(
        'already_has_access',
        'You already have access to the pharmacy pickup screen: no emergency access is needed.',
      );
    }
    const parsed = breakGlassReasonSchema.safeParse(reason);
    if (!parsed.success) {
      throw invalid('break_glass_reason', parsed.error.issues[0]?.message ?? 'Say why.');
    }
    this.expireEmergency(session, row);
    // Breaking glass again while on ends that period and starts a new one with the new reason
    // (all audited), so the record never shows two periods open at once on one session.
    this.endEmergency(session, username, 'ended_by_user');
    const now = this.clock.now();
    const until = now + this.policy.breakGlassMinutes * 60_000;
    const accessId = this.db
      .transaction(() => {
        this.audit.record({
          actor: username,
          action: 'auth.break_glass',
          entity: 'user',
          entityId: row.id,
          payload: { reason: parsed.data, until: iso(until) },
        });
        // The audit log keeps only a hash of the reason; a reviewer reads it here.
        return Number(
          this.db
            .prepare(
              'INSERT INTO emergency_access (username, reason, opened_at, until) VALUES (?, ?, ?, ?)',
            )
            .run(username, parsed.data, now, until).lastInsertRowid,
        );
      })
      .immediate();
    session.emergency = { until, reason: parsed.data, accessId };
    return this.view(session);
  }

  /** Ends emergency access before its time. Nothing to end is not an error (a double click). */
  endBreakGlass(session: Session, username: string): SessionView {
    const row = this.requireUser(session.userId);
    if (this.activeEmergency(session, row)) this.endEmergency(session, username, 'ended_by_user');
    return this.view(session);
  }

  /** The session's grant while it stands; an expired one is removed and audited once. */
  private activeEmergency(session: Session, row: UserRow): EmergencyGrant | null {
    this.expireEmergency(session, row);
    // A role changed meanwhile to one without break glass loses the grant's effect.
    return session.emergency && roleCan(row.role, 'pharmacy:break_glass')
      ? session.emergency
      : null;
  }

  private expireEmergency(session: Session, row: UserRow): void {
    const grant = session.emergency;
    if (grant && this.clock.now() >= grant.until)
      this.endEmergency(session, row.username, 'expired');
  }

  /**
   * Ends the session's emergency period, if it has one: audited, and the ending kept beside
   * the readable record, once (the grant leaves the session as its ending is written).
   */
  private endEmergency(session: Session, username: string, how: EmergencyEnding): void {
    const grant = session.emergency;
    if (!grant) return;
    this.db
      .transaction(() => {
        this.audit.record(
          how === 'expired'
            ? {
                actor: username,
                action: 'auth.break_glass_expired',
                entity: 'user',
                entityId: session.userId,
                payload: { until: iso(grant.until) },
              }
            : {
                actor: username,
                action: 'auth.break_glass_ended',
                entity: 'user',
                entityId: session.userId,
                payload: { why: how },
              },
        );
        // An expired grant ended at its time, not when someone next came by to notice.
        this.db
          .prepare('INSERT INTO emergency_access_ends (access_id, how, ended_at) VALUES (?, ?, ?)')
          .run(grant.accessId, how, how === 'expired' ? grant.until : this.clock.now());
      })
      .immediate();
    delete session.emergency;
  }

  /**
   * Forgets a session (sign-out, or ended by the server). Emergency access ends with it, on
   * record like any other ending, so the review never finds a period left open.
   */
  private forget(session: Session): void {
    this.sessions.delete(session.token);
    const grant = session.emergency;
    if (!grant) return;
    const username = this.userById(session.userId)?.username ?? 'system';
    this.endEmergency(session, username, this.clock.now() < grant.until ? 'signed_out' : 'expired');
  }

  /**
   * At start: sessions live in memory, so a stop ended every one of them. An emergency period
   * the last run left open is closed on record, as signed out when it stopped (its time not
   * yet up, the moment is not known any closer than now) or expired at its time. Returns how
   * many were closed.
   */
  closeEmergenciesLeftOpen(): number {
    const open = this.db
      .prepare(
        `SELECT a.id, a.username, a.until FROM emergency_access a
         WHERE NOT EXISTS (SELECT 1 FROM emergency_access_ends e WHERE e.access_id = a.id)`,
      )
      .all() as { id: number; username: string; until: number }[];
    const now = this.clock.now();
    for (const a of open)
      this.db
        .transaction(() => {
          const expired = a.until <= now;
          this.audit.record({
            actor: 'system',
            action: expired ? 'auth.break_glass_expired' : 'auth.break_glass_ended',
            entity: 'emergency_access',
            entityId: a.id,
            payload: expired
              ? { user: a.username, until: iso(a.until) }
              : { user: a.username, why: 'server_restarted' },
          });
          this.db
            .prepare(
              'INSERT INTO emergency_access_ends (access_id, how, ended_at) VALUES (?, ?, ?)',
            )
            .run(a.id, expired ? 'expired' : 'signed_out', expired ? a.until : now);
        })
        .immediate();
    return open.length;
  }

  /** Emergency access periods, newest first, with the reason in words (for the audit screen). */
  emergencyLog(limit = 200): EmergencyAccessRecord[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.username, a.reason, a.opened_at, a.until, e.how, e.ended_at
         FROM emergency_access a LEFT JOIN emergency_access_ends e ON e.access_id = a.id
         ORDER BY a.id DESC LIMIT ?`,
      )
      .all(limit) as EmergencyAccessRow[];
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      reason: r.reason,
      openedAt: iso(r.opened_at),
      until: iso(r.until),
      ended: r.how && r.ended_at !== null ? { how: r.how, at: iso(r.ended_at) } : null,
    }));
  }

  logout(session: Session, username: string): void {
    this.forget(session);
    this.audit.record({
      actor: username,
      action: 'auth.logout',
      entity: 'user',
      entityId: session.userId,
    });
  }

  lock(session: Session, username: string): void {
    if (session.locked) return;
    session.locked = true;
    this.audit.record({
      actor: username,
      action: 'auth.lock',
      entity: 'user',
      entityId: session.userId,
      payload: { reason: 'manual' },
    });
  }

  /**
   * Checks the signed-in person's own PIN or password (unlock, set PIN, change password).
   * Every wrong try is audited and counted per session; too many sign the session out. The
   * try is counted before the check, so tries made in parallel cannot exceed the limit.
   */
  private async checkOwnSecret(
    session: Session,
    row: UserRow,
    method: 'pin' | 'password',
    secret: string,
    action: string,
    wrong: DomainError,
  ): Promise<void> {
    if (session.pinFailures >= this.policy.maxPinAttempts) this.endForTooManyTries(session);
    session.pinFailures++;
    const stored = method === 'pin' ? row.pin_hash : row.password_hash;
    if (stored && (await secretMatches(stored, secret))) {
      session.pinFailures = 0;
      return;
    }
    const endSession = session.pinFailures >= this.policy.maxPinAttempts;
    this.audit.record({
      actor: row.username,
      action,
      entity: 'user',
      entityId: row.id,
      outcome: 'denied',
      payload: { method, endSession },
    });
    if (endSession) this.endForTooManyTries(session);
    throw wrong;
  }

  private endForTooManyTries(session: Session): never {
    this.forget(session);
    throw new DomainError(
      'unauthenticated',
      'too_many_unlock_attempts',
      'Too many wrong attempts: you have been signed out. Sign in with your password.',
    );
  }

  async unlock(
    session: Session,
    input: { pin?: string | undefined; password?: string | undefined },
  ): Promise<SessionView> {
    const row = this.requireUser(session.userId);
    const method = input.pin !== undefined ? 'pin' : 'password';
    if (method === 'pin' && !row.pin_hash) {
      throw invalid('no_pin', 'You have no PIN yet. Unlock with your password, then set a PIN.');
    }
    await this.checkOwnSecret(
      session,
      row,
      method,
      (method === 'pin' ? input.pin : input.password) ?? '',
      'auth.unlock',
      new DomainError(
        'unauthenticated',
        'wrong_unlock',
        method === 'pin' ? 'Wrong PIN.' : 'Wrong password.',
      ),
    );
    session.locked = false;
    session.lastActiveAt = this.clock.now();
    this.audit.record({
      actor: row.username,
      action: 'auth.unlock',
      entity: 'user',
      entityId: row.id,
      payload: { method },
    });
    return this.view(session);
  }

  async setPin(session: Session, input: { pin: string; currentPassword: string }): Promise<void> {
    const row = this.requireUser(session.userId);
    await this.checkOwnSecret(
      session,
      row,
      'password',
      input.currentPassword,
      'user.set_pin',
      invalid('wrong_password', 'Your current password is not right, so the PIN was not changed.'),
    );
    const pinHash = await hashSecret(input.pin);
    this.db
      .transaction(() => {
        this.db
          .prepare('UPDATE users SET pin_hash = ?, updated_at = ? WHERE id = ?')
          .run(pinHash, this.nowIso(), row.id);
        this.audit.record({
          actor: row.username,
          action: 'user.set_pin',
          entity: 'user',
          entityId: row.id,
        });
      })
      .immediate();
  }

  /**
   * Refuses a procedure to a user who must still choose their own password (see
   * usableBeforePasswordChange), on record like any other refusal.
   */
  refuseUntilPasswordChanged(user: UserSummary, procedure: string, access: string): void {
    if (!user.mustChangePassword || usableBeforePasswordChange(procedure, access)) return;
    this.audit.record({
      actor: user.username,
      action: 'access.denied',
      entity: 'procedure',
      entityId: procedure,
      outcome: 'denied',
      payload: { reason: 'must_change_password' },
    });
    throw forbidden(
      'must_change_password',
      'Choose your own password first: the one you signed in with was set by a manager. Change it on the password screen, then try again.',
    );
  }

  /**
   * Changes the signed-in person's own password. Their other sessions end (another PC, a
   * window left open): whoever knew the old password is out; this session stays.
   */
  async changePassword(
    session: Session,
    input: { currentPassword: string; newPassword: string },
  ): Promise<void> {
    const row = this.requireUser(session.userId);
    await this.checkOwnSecret(
      session,
      row,
      'password',
      input.currentPassword,
      'user.change_password',
      invalid('wrong_password', 'Your current password is not right, so it was not changed.'),
    );
    const hash = await hashSecret(input.newPassword);
    const ended = [...this.sessions.values()].filter(
      (s) => s.userId === row.id && s !== session,
    ).length;
    this.db
      .transaction(() => {
        this.db
          .prepare(
            'UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE id = ?',
          )
          .run(hash, this.nowIso(), row.id);
        this.audit.record({
          actor: row.username,
          action: 'user.change_password',
          entity: 'user',
          entityId: row.id,
          payload: { otherSessionsEnded: ended },
        });
      })
      .immediate();
    this.endSessionsOf(row.id, session);
  }

  // ── user administration ─────────────────────────────────────────────

  listUsers(): UserSummary[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(
      toSummary,
    );
  }

  async createUser(
    actor: Actor,
    input: { username: string; displayName: string; role: Role; password: string },
  ): Promise<UserSummary> {
    this.guardReach(actor, [input.role]);
    const hash = await hashSecret(input.password);
    const id = this.db
      .transaction(() => {
        const id = this.insertUser(input.username, input.displayName, input.role, hash, null, true);
        this.audit.record({
          actor: actorName(actor),
          action: 'user.create',
          entity: 'user',
          entityId: id,
          payload: { username: input.username, role: input.role },
        });
        return id;
      })
      .immediate();
    return toSummary(this.requireUser(id));
  }

  /** Refuses changes to users, or grants of roles, beyond the actor's own reach. */
  private guardReach(actor: Actor, roles: Role[]): void {
    if (actor === 'system') return;
    const own = this.requireUser(actor.userId).role;
    const beyond = roles.find((r) => !canGrantRole(own, r));
    if (beyond) {
      throw forbidden(
        'beyond_your_role',
        beyond === 'owner'
          ? 'Only an owner can make, change or reset an owner account.'
          : `Only an owner can manage the ${beyond.replace('_', ' ')} role: it has permissions your role (${own.replace('_', ' ')}) does not.`,
      );
    }
  }

  /** Refuses changes that would leave the store with no active owner. */
  private guardLastOwner(target: UserRow, change: string): void {
    if (target.role !== 'owner' || target.disabled) return;
    const owners = this.db
      .prepare("SELECT count(*) FROM users WHERE role = 'owner' AND disabled = 0")
      .pluck()
      .get() as number;
    if (owners <= 1) {
      throw conflict(
        'last_owner',
        `${target.username} is the only active owner, so you cannot ${change}. Make another user an owner first.`,
      );
    }
  }

  setDisabled(actor: Actor, userId: number, disabled: boolean): UserSummary {
    const target = this.requireUser(userId);
    this.guardReach(actor, [target.role]);
    if (disabled && actor !== 'system' && actor.userId === userId) {
      throw forbidden('self_disable', 'You cannot disable your own account.');
    }
    if (disabled) this.guardLastOwner(target, 'disable this account');
    this.db
      .transaction(() => {
        this.db
          .prepare('UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?')
          .run(disabled ? 1 : 0, this.nowIso(), userId);
        this.audit.record({
          actor: actorName(actor),
          action: disabled ? 'user.disable' : 'user.enable',
          entity: 'user',
          entityId: userId,
        });
      })
      .immediate();
    if (disabled) this.endSessionsOf(userId);
    return toSummary(this.requireUser(userId));
  }

  async resetPassword(actor: Actor, userId: number, newPassword: string): Promise<UserSummary> {
    this.guardReach(actor, [this.requireUser(userId).role]);
    const hash = await hashSecret(newPassword);
    this.db
      .transaction(() => {
        this.db
          .prepare(
            'UPDATE users SET password_hash = ?, must_change_password = 1, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?',
          )
          .run(hash, this.nowIso(), userId);
        this.audit.record({
          actor: actorName(actor),
          action: 'user.reset_password',
          entity: 'user',
          entityId: userId,
        });
      })
      .immediate();
    this.endSessionsOf(userId);
    return toSummary(this.requireUser(userId));
  }

  changeRole(actor: Actor, userId: number, role: Role): UserSummary {
    const target = this.requireUser(userId);
    this.guardReach(actor, [target.role, role]);
    if (target.role === role) return toSummary(target);
    if (role !== 'owner') this.guardLastOwner(target, 'change this role');
    this.db
      .transaction(() => {
        this.db
          .prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?')
          .run(role, this.nowIso(), userId);
        this.audit.record({
          actor: actorName(actor),
          action: 'user.change_role',
          entity: 'user',
          entityId: userId,
          payload: { from: target.role, to: role },
        });
      })
      .immediate();
    return toSummary(this.requireUser(userId));
  }

  /** Ends every session of a user, but `keep`; returns how many ended. */
  private endSessionsOf(userId: number, keep?: Session): number {
    let ended = 0;
    for (const s of [...this.sessions.values()]) {
      if (s.userId !== userId || s === keep) continue;
      this.forget(s);
      ended++;
    }
    return ended;
  }

  /**
   * Who is signed in now, for the dashboard: one row per person (several windows or PCs are
   * one person), locked only when every one of their sessions is locked.
   */
  activeUsers(): {
    username: string;
    displayName: string;
    role: Role;
    since: string;
    locked: boolean;
    sessions: number;
  }[] {
    const byUser = new Map<number, { since: number; locked: boolean; sessions: number }>();
    const now = this.clock.now();
    for (const s of [...this.sessions.values()]) {
      // Sessions nobody has touched are judged by the clock, not by their last request.
      if (now - s.startedAt > this.policy.sessionMaxHours * 3_600_000) {
        this.forget(s);
        continue;
      }
      const locked = s.locked || now - s.lastActiveAt >= this.idleTimeoutMs;
      const seen = byUser.get(s.userId);
      byUser.set(s.userId, {
        since: Math.min(seen?.since ?? s.startedAt, s.startedAt),
        locked: (seen?.locked ?? true) && locked,
        sessions: (seen?.sessions ?? 0) + 1,
      });
    }
    const out = [];
    for (const [userId, v] of byUser) {
      const row = this.userById(userId);
      if (!row) continue;
      out.push({
        username: row.username,
        displayName: row.display_name,
        role: row.role,
        since: new Date(v.since).toISOString(),
        locked: v.locked,
        sessions: v.sessions,
      });
    }
    return out.sort((a, b) => a.username.localeCompare(b.username));
  }
}
