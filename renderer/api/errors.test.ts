import { TRPCClientError } from '@trpc/client';
import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { describeProblem, problemOf, sessionEffectOf } from './errors.ts';

beforeAll(async () => {
  await i18n.init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: 'en',
    nsSeparator: false,
    interpolation: { escapeValue: false },
  });
});

const serverError = (message: string, reason: string | null, fields: unknown = null) =>
  TRPCClientError.from({
    error: {
      message,
      code: -32001,
      data: { reason, fields, code: 'UNAUTHORIZED', httpStatus: 401 },
    },
  });

describe('API problems', () => {
  it('reads the reason, the fields and the clerk-readable message', () => {
    const p = problemOf(
      serverError('Please correct: username: too short', 'invalid_input', [
        { path: 'username', message: 'too short' },
      ]),
    );
    expect(p).toEqual({
      message: 'Please correct: username: too short',
      reason: 'invalid_input',
      fields: [{ path: 'username', message: 'too short' }],
      network: false,
    });
  });

  it('tells a server that did not answer from one that said no', () => {
    expect(problemOf(TRPCClientError.from(new TypeError('Failed to fetch'))).network).toBe(true);
    expect(problemOf(serverError('Wrong username or password.', 'wrong_credentials')).network).toBe(
      false,
    );
    expect(problemOf('weird').network).toBe(true);
  });

  it('locks the screen or signs out for the session reasons, and nothing else', () => {
    expect(sessionEffectOf('session_locked')).toBe('lock');
    expect(sessionEffectOf('not_signed_in')).toBe('signOut');
    expect(sessionEffectOf('account_disabled')).toBe('signOut');
    expect(sessionEffectOf('too_many_unlock_attempts')).toBe('signOut');
    expect(sessionEffectOf('wrong_unlock')).toBeNull();
    expect(sessionEffectOf('missing_permission')).toBeNull();
    expect(sessionEffectOf(null)).toBeNull();
  });

  it('shows the server’s message in English and the translation of its reason in Spanish', () => {
    const p = problemOf(
      serverError('The username "ana" is already in use. Choose another.', 'username_taken'),
    );
    expect(describeProblem(p, i18n.t, 'en')).toBe(
      'The username "ana" is already in use. Choose another.',
    );
    expect(describeProblem(p, i18n.getFixedT('es'), 'es')).toBe(
      'Ese nombre de usuario ya está en uso. Elija otro.',
    );
  });

  it('falls back to the server’s words for a reason it has no translation for', () => {
    const p = problemOf(serverError('A reason newer than this screen.', 'not_yet_a_reason'));
    expect(describeProblem(p, i18n.getFixedT('es'), 'es')).toBe('A reason newer than this screen.');
  });

  it('says a refused hand-over in Spanish (issue 13: a denial is final)', () => {
    const p = problemOf(serverError('The check was denied: do not transfer.', 'check_denied'));
    expect(describeProblem(p, i18n.getFixedT('es'), 'es')).toMatch(/^La verificación fue denegada/);
  });

  it('explains an unreachable server in the reader’s language', () => {
    const p = problemOf(TRPCClientError.from(new TypeError('Failed to fetch')));
    expect(describeProblem(p, i18n.getFixedT('es'), 'es')).toMatch(/no respondió/);
  });
});
