// Issue 14 §3: a store whose database failed SQLite's integrity check is read-only, and every
// screen says so with how to restore, in both languages; a healthy store shows nothing.
import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import i18n from 'i18next';
import { initI18n } from '../i18n/index.ts';
import type { Outputs } from '../api/client.ts';
import { DamagedNotice } from './DamagedNotice.tsx';

type Health = Outputs['system']['health'];

const healthy = { status: 'ok', integrity: { state: 'ok', checkedAt: 'x', full: false } };
const damaged = {
  status: 'damaged',
  integrity: {
    state: 'damaged',
    checkedAt: 'x',
    detail: 'Tree 12 page 12: unable to get the page',
    whatToDo: 'restore',
  },
};

const render = (health: unknown) =>
  renderToStaticMarkup(
    <MantineProvider>
      <DamagedNotice health={health as Health} />
    </MantineProvider>,
  );

beforeAll(async () => {
  await initI18n();
});

describe('DamagedNotice', () => {
  it('shows nothing on a healthy store', async () => {
    await i18n.changeLanguage('en');
    expect(render(healthy)).not.toContain('damaged-notice');
  });

  it('says the store is read-only and how to restore, with what SQLite found', async () => {
    await i18n.changeLanguage('en');
    const html = render(damaged);
    expect(html).toContain('role="alert"');
    expect(html).toContain('Backroom is read-only');
    expect(html).toContain('npm run restore -- FILE');
    expect(html).toContain('Tree 12 page 12');
  });

  it('says it in Spanish too', async () => {
    await i18n.changeLanguage('es');
    const html = render(damaged);
    expect(html).toContain('solo lectura');
    expect(html).toContain('npm run restore -- FILE');
    await i18n.changeLanguage('en');
  });
});
