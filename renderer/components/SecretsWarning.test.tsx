// The dashboard's warning when the store's secrets are in a file on this PC (issue 14): loud,
// in the words, with what it means and how to set up the keychain, in both languages.
import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import i18n from 'i18next';
import { initI18n } from '../i18n/index.ts';
import { SecretsWarning } from './SecretsWarning.tsx';
import type { SecretsLocation } from '../../core/secrets/port.ts';

const render = (secrets: SecretsLocation) =>
  renderToStaticMarkup(
    <MantineProvider>
      <SecretsWarning secrets={secrets} />
    </MantineProvider>,
  );

const FILE = '/srv/backroom/secrets.json';

beforeAll(async () => {
  await initI18n();
});

describe('SecretsWarning', () => {
  it('says nothing when the keychain holds the secrets', async () => {
    await i18n.changeLanguage('en');
    expect(render({ kind: 'keychain' })).not.toContain('secrets-warning');
  });

  it('warns loudly, names the file and says how to set up the keychain and move the secrets', async () => {
    await i18n.changeLanguage('en');
    const html = render({ kind: 'file', file: FILE, why: 'no_keychain' });
    expect(html).toContain('role="alert"');
    expect(html).toContain(
      'Secrets are in a file on this PC — set up the keychain before real use',
    );
    expect(html).toContain(FILE);
    expect(html).toContain('sudo apt-get install dbus gnome-keyring');
    expect(html).toContain('npm start -- --move-secrets-to-keychain');
    expect(html).toContain('never delete this file');
  });

  it('says the same in Spanish', async () => {
    await i18n.changeLanguage('es');
    const html = render({ kind: 'file', file: FILE, why: 'no_keychain' });
    expect(html).toContain('Los secretos están en un archivo de este equipo');
    expect(html).toContain('Cómo configurar el llavero');
    expect(html).toContain(FILE);
  });

  it('warns for a file set with BACKROOM_SECRETS_FILE too, without offering to move it', async () => {
    await i18n.changeLanguage('en');
    const html = render({ kind: 'file', file: FILE, why: 'configured' });
    expect(html).toContain('BACKROOM_SECRETS_FILE');
    expect(html).not.toContain('--move-secrets-to-keychain');
  });
});
