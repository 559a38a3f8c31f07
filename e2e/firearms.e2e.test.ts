// Issue 4 acceptance, walked on the real screens: a clerk records two pistols, starts a
// check, records Delayed, tries to hand over (refused with the date), the store's clock moves
// past the waiting period, the hand-over commits; a second handgun to the same buyer raises
// the multiple-sale flag; a filtered export; a correction shows in both views of the book; the
// book's settings (store hours, a serial rule that warns and blocks, a check rule for the state).
// Issue 13: a pistol loaned out (the loan's own fields, a past hand-over date kept), the loan
// corrected (original, corrected and both views), and a destruction without its method refused;
// every screen and dialog opened there passes axe-core (no critical or serious violations).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  advanceServerClock,
  apiCall,
  apiQuery,
  seriousA11yViolations,
  ensureRendererBuilt,
  launchBrowser,
  openSection,
  screenshotAll,
  signIn,
  startServer,
  openPage,
  OWNER,
  type RunningServer,
} from './support.ts';

const BUYER = 'TX-DL-40012345';
/**
 * The store's day when the file starts, so the NICS dates below are known, not read off the
 * screen: the Wednesday before Thanksgiving 2028, a Texas store. Texas state offices close on
 * Thanksgiving (Thursday 2028-11-23) and the Friday after (Gov. Code 662.003(a), 662.004), so
 * a check Delayed on 2028-11-22 counts Monday 27, Tuesday 28 and Wednesday 29 as its three
 * business days (the contact day does not count) and may proceed on Thursday 2028-11-30.
 */
const FIRST_DAY = '2028-11-22';
const MAY_PROCEED_ON = '2028-11-30';

let server: RunningServer;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

const until = <T>(read: () => T | Promise<T>, timeout = 10_000) =>
  expect.poll(read, { timeout, interval: 100 });

const call = (path: string, body: unknown, token?: string) => apiCall(server, path, body, token);

beforeAll(async () => {
  ensureRendererBuilt();
  [server, browser] = await Promise.all([startServer({ testClock: true }), launchBrowser()]);
  await call('setup.createOwner', OWNER);
  const session = (await call('auth.login', {
    username: OWNER.username,
    password: OWNER.password,
  })) as { token: string };
  await call('store.updateProfile', { name: 'Lone Star Arms', state: 'TX' }, session.token);
  await moveStoreTo(FIRST_DAY, session.token);
  page = await openPage(browser, pageProblems);
});

/** The store's today (its time zone), as the check desk counts from it. */
async function storeToday(token: string): Promise<string> {
  const desk = (await apiQuery(server, 'checks.list', {}, token)) as { today: string };
  return desk.today;
}

/** Moves the --test-clock server forward to `day` (the store's today), before anything is recorded. */
async function moveStoreTo(day: string, token: string): Promise<void> {
  const today = await storeToday(token);
  const days = Math.round((Date.parse(day) - Date.parse(today)) / 86_400_000);
  if (days < 0) {
    throw new Error(`This PC's clock (${today}) is past ${day}: move FIRST_DAY and its dates on.`);
  }
  await advanceServerClock(server, days);
  const token2 = (
    (await call('auth.login', { username: OWNER.username, password: OWNER.password })) as {
      token: string;
    }
  ).token;
  expect(await storeToday(token2)).toBe(day);
}

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signInOwner(): Promise<void> {
  await signIn(page, OWNER);
  await until(() => page.getByTestId('current-user').isVisible()).toBe(true);
}

async function tab(name: 'Bound book' | 'Check desk' | 'Reports' | 'Book settings'): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

/** Opens "Record acquisition" with the distributor and a Glock pistol of `model`, no serial yet. */
async function openAcquisition(model: string) {
  await page.getByRole('button', { name: 'Record acquisition' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Received from (name)').fill('Lone Star Distributors');
  await dialog.getByLabel('FFL number').fill('586123017K12345');
  await dialog.getByLabel('Manufacturer 1').fill('Glock');
  await dialog.getByLabel('Model 1').fill(model);
  await dialog.getByLabel('Type 1').click();
  await page.getByRole('option', { name: 'pistol', exact: true }).click();
  await dialog.getByLabel('Caliber 1').fill('9mm');
  return dialog;
}

async function startCheck(form4473: string, serial: string): Promise<void> {
  await tab('Check desk');
  const form = page.getByTestId('start-check');
  await form.getByLabel('Form 4473 number').fill(form4473);
  await form.getByLabel('Buyer record').fill(BUYER);
  const scan = form.getByLabel('Firearms (scan or type a serial, then Enter)');
  await scan.fill(serial);
  await scan.press('Enter');
  await until(() => page.getByTestId('check-items').textContent()).toContain(serial);
  await form.getByRole('button', { name: 'Start check' }).click();
  await until(() => page.getByText(`started for 4473 ${form4473}`).isVisible()).toBe(true);
}

const card = (form4473: string) =>
  page.locator(`[data-testid="check-card"][data-form4473="${form4473}"]`);

async function record(form4473: string, answer: string): Promise<void> {
  await card(form4473).getByRole('button', { name: 'Record answer' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: answer, exact: true }).check();
  await dialog.getByRole('button', { name: 'Record', exact: true }).click();
  await until(() => dialog.isVisible()).toBe(false);
}

async function reserve(form4473: string): Promise<void> {
  await card(form4473).getByRole('button', { name: 'Start transfer' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Buyer’s name').fill('Sam Houston Jr');
  await dialog.getByLabel('Buyer’s address').fill('12 Alamo Plaza, San Antonio TX');
  await dialog.getByRole('button', { name: 'Reserve for the buyer' }).click();
  await until(() => card(form4473).getByText('reserved for the buyer').isVisible()).toBe(true);
}

describe('firearms bound book and check desk, end to end', () => {
  const onFailure = () =>
    onTestFailed(async () => {
      const files = await screenshotAll({ page }, 'backroom-e2e-firearms');
      console.error(`Screenshots: ${files.join(', ')}\nServer log:\n${server.log()}`);
    });

  it('records two pistols received together, the second line filled by the scanner’s Enter', async () => {
    onFailure();
    await page.goto(server.url);
    await signInOwner();
    await openSection(page, 'Firearms');
    await until(() => page.getByTestId('ledger-empty').isVisible()).toBe(true);
    const dialog = await openAcquisition('19');
    await dialog.getByLabel('Serial 1').fill('BKRM101');
    await dialog.getByLabel('Serial 1').press('Enter');
    // The next line starts as a copy of the last one, focused on its serial.
    await until(() => dialog.getByLabel('Model 2').inputValue()).toBe('19');
    await page.keyboard.type('BKRM102');
    await dialog.getByRole('button', { name: 'Record 2 firearms' }).click();
    await until(() => dialog.isVisible()).toBe(false);
    await until(() => page.getByTestId('ledger-row').count()).toBe(2);
  });

  it('refuses the hand-over while the check is delayed, naming the day it may proceed', async () => {
    onFailure();
    await startCheck('2026-0001', 'BKRM101');
    await record('2026-0001', 'Submitted to NICS / the state');
    await record('2026-0001', 'Delayed');
    await until(() => card('2026-0001').getByTestId('check-status').textContent()).toBe('Delayed');
    const proceed = await card('2026-0001').getByTestId('may-proceed').textContent();
    expect(/May proceed on (\d{4}-\d{2}-\d{2})/.exec(proceed ?? '')?.[1]).toBe(MAY_PROCEED_ON);
    await reserve('2026-0001');
    await card('2026-0001').getByRole('button', { name: 'Hand over 1 firearm' }).click();
    await until(() => card('2026-0001').getByTestId('problem').textContent()).toContain(
      `may proceed on ${MAY_PROCEED_ON}`,
    );
  });

  it('commits once the store’s clock is past the waiting period', async () => {
    onFailure();
    // From FIRST_DAY to MAY_PROCEED_ON: the first day the hand-over is allowed.
    await advanceServerClock(server, 8);
    await page.reload();
    // Eight days later the session has ended or locked: sign in or unlock, as the clerk would.
    const signInForm = page.getByLabel('Username');
    const unlock = page.getByLabel('Unlock with your password');
    const desk = page.getByRole('tab', { name: 'Check desk' });
    await until(
      async () =>
        (await signInForm.isVisible()) || (await unlock.isVisible()) || (await desk.isVisible()),
    ).toBe(true);
    if (await signInForm.isVisible()) await signInOwner();
    else if (await unlock.isVisible()) {
      await unlock.fill(OWNER.password);
      await unlock.press('Enter');
    }
    await until(() => desk.isVisible()).toBe(true);
    await tab('Check desk');
    await until(() => card('2026-0001').getByTestId('may-proceed').textContent()).toBe(
      `The waiting period ended: may proceed since ${MAY_PROCEED_ON}`,
    );
    await card('2026-0001').getByRole('button', { name: 'Hand over 1 firearm' }).click();
    await until(() => card('2026-0001').isVisible()).toBe(true);
    await until(() => page.getByText('1 firearm handed over and committed').isVisible()).toBe(true);
  });

  it('flags a second handgun to the same buyer within 5 business days as a multiple sale', async () => {
    onFailure();
    await startCheck('2026-0002', 'BKRM102');
    await record('2026-0002', 'Submitted to NICS / the state');
    await record('2026-0002', 'Proceed');
    await reserve('2026-0002');
    await card('2026-0002').getByRole('button', { name: 'Hand over 1 firearm' }).click();
    await until(() => page.getByText('This is a multiple sale').isVisible()).toBe(true);
    await tab('Reports');
    await until(() => page.getByTestId('multiple-sales').textContent()).toContain('BKRM102');
    expect(await page.getByTestId('multiple-sales').textContent()).toContain('3310.4');
  });

  it('exports part of the book into the backup folder: the filter shows on the export until it is done', async () => {
    onFailure();
    await tab('Reports');
    const filter = page.getByTestId('export-filter');
    await filter.getByLabel('Type', { exact: true }).click();
    await page.getByRole('option', { name: 'pistol', exact: true }).click();
    await filter.getByLabel('Manufacturer or importer').fill('glock');
    await page.getByRole('button', { name: 'Book as CSV' }).click();
    const latest = page.getByTestId('exports').getByRole('row').first();
    await until(() => latest.getByTestId('export-done').textContent()).toBe('Done · 2 entries');
    expect(await latest.getByTestId('export-filters').textContent()).toBe('pistol · glock');
    expect(await latest.textContent()).toMatch(/bound-book\/bound-book-.*\.csv/);
  });

  it('corrects an entry, and the book shows it as corrected, as first entered, and both', async () => {
    onFailure();
    await tab('Bound book');
    await page.locator('[data-testid="ledger-row"][data-serial="BKRM101"]').click();
    const history = page.getByTestId('firearm-history');
    await until(() => history.isVisible()).toBe(true);
    await history.getByRole('button', { name: 'Correct entry' }).click();
    const dialog = page.getByRole('dialog', { name: /Correct entry/ });
    await dialog.getByLabel('Model').fill('19 Gen5');
    await dialog.getByLabel('Reason').fill('Model misread from the box; the slide says Gen5');
    await dialog.getByRole('button', { name: 'Record correction' }).click();
    await until(() => history.getByTestId('history-correction').count()).toBe(1);
    expect(await history.getByTestId('history-correction').textContent()).toContain('19 Gen5');
    await page.keyboard.press('Escape');

    const row = () => page.locator('[data-testid="ledger-row"][data-serial="BKRM101"]');
    await until(() => row().textContent()).toContain('19 Gen5');
    await page.getByTestId('ledger-view').getByText('As first entered').click();
    await until(() => row().count()).toBe(1);
    expect(await row().textContent()).not.toContain('Gen5');
    await page.getByTestId('ledger-view').getByText('Both').click();
    await until(() => row().count()).toBe(2);
    expect(await row().nth(1).textContent()).toContain('19 Gen5');
    expect(await row().nth(1).textContent()).toContain('correction');
    expect(pageProblems).toEqual([]);
  });

  it('keeps the store’s hours and a serial rule; the rule warns as a serial is typed and its block refuses the entry', async () => {
    onFailure();
    await tab('Book settings');
    const hours = page.getByRole('region', { name: 'Store hours' });
    await until(() => hours.getByTestId('hours-defaults').isVisible()).toBe(true);
    await hours.getByLabel('Saturday', { exact: true }).uncheck();
    await hours.getByLabel('Closed on').fill('2026-12-24');
    await hours.getByLabel('Closed on').press('Enter');
    await hours.getByRole('button', { name: 'Save store hours' }).click();
    await until(() => hours.getByTestId('hours-saved').isVisible()).toBe(true);
    // Leave and come back: what shows is what the server kept.
    await tab('Reports');
    await tab('Book settings');
    await until(() => hours.getByTestId('closures').textContent()).toBe('2026-12-24×');
    expect(await hours.getByLabel('Saturday', { exact: true }).isChecked()).toBe(false);
    expect(await hours.getByTestId('hours-defaults').count()).toBe(0);

    const rules = page.getByRole('region', { name: 'Serial number formats' });
    await rules.getByLabel('Manufacturer', { exact: true }).fill('Glock');
    await rules.getByLabel('Type', { exact: true }).click();
    await page.getByRole('option', { name: 'pistol', exact: true }).click();
    await rules.getByLabel('Pattern (regular expression)').fill('[A-Z]{4}\\d{3}');
    await rules.getByLabel('Note (shown with the warning)').fill('four letters and three digits');
    await rules.getByText('Block', { exact: true }).click();
    await rules.getByLabel('Try a serial').fill('AB12');
    await until(() => rules.getByTestId('serial-try').textContent()).toBe(
      'Glock pistol serials look like four letters and three digits: check what is engraved.',
    );
    await rules.getByLabel('Try a serial').fill('BKRM103');
    await until(() => rules.getByTestId('serial-try').textContent()).toBe('Passes this rule');
    await rules.getByRole('button', { name: 'Add rule' }).click();
    await until(() => rules.getByTestId('serial-rules').textContent()).toContain('GLOCKpistol');

    await tab('Bound book');
    const dialog = await openAcquisition('17');
    await dialog.getByLabel('Serial 1').fill('12345');
    await until(() => dialog.getByTestId('serial-warning').textContent()).toContain(
      'look like four letters and three digits',
    );
    await dialog.getByRole('button', { name: 'Record 1 firearm' }).click();
    await until(() => dialog.getByText('check what is engraved').count()).toBeGreaterThan(1);
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Serial 1').fill('GLKA123');
    await until(() => dialog.getByTestId('serial-warning').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Record 1 firearm' }).click();
    await until(() => dialog.isVisible()).toBe(false);
    await until(() =>
      page.locator('[data-testid="ledger-row"][data-serial="GLKA123"]').count(),
    ).toBe(1);
    expect(pageProblems).toEqual([]);
  });

  it('records a check rule for the store’s state, with where it comes from, and keeps it listed', async () => {
    onFailure();
    await tab('Book settings');
    const rules = page.getByRole('region', { name: 'Background check rules' });
    await until(() => rules.getByTestId('state-rules-shipped').isVisible()).toBe(true);
    await rules
      .getByLabel('A supervisor may override a hold on a delayed check (with a reason)')
      .check();
    await rules.getByLabel('Permits that stand in for a check').fill('License to Carry');
    await rules.getByLabel('Permits that stand in for a check').press('Enter');
    await rules.getByRole('button', { name: 'Record rule' }).click();
    // No source: the server says what is missing, and nothing is recorded.
    await until(() => rules.getByText('Say where the rule comes from').isVisible()).toBe(true);
    await rules.getByLabel('Where this comes from').fill('ATF Brady permit chart, 2026');
    await rules.getByRole('button', { name: 'Record rule' }).click();
    await until(() => rules.getByTestId('state-rule-saved').isVisible()).toBe(true);
    const history = rules.getByTestId('state-rule-history');
    expect(await history.textContent()).toContain('override allowed · permits: License to Carry');
    expect(await history.textContent()).toContain('ATF Brady permit chart, 2026');
    expect(await rules.getByTestId('state-rules-shipped').count()).toBe(0);
    expect(pageProblems).toEqual([]);
  });
});

/** An ISO date `days` later (or earlier, when negative). */
function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Records one Glock of `model` with `serial`, received `daysAgo` days before the store's today. */
async function acquireOne(model: string, serial: string, daysAgo: number) {
  const dialog = await openAcquisition(model);
  // The dialog opens on the store's today (its time zone, issue 13 item 4).
  const today = await dialog.getByLabel('Date received').inputValue();
  await dialog.getByLabel('Date received').fill(addDays(today, -daysAgo));
  await dialog.getByLabel('Serial 1').fill(serial);
  expect(await seriousA11yViolations(page), 'the acquisition dialog').toEqual([]);
  await dialog.getByRole('button', { name: 'Record 1 firearm' }).click();
  await until(() => dialog.isVisible()).toBe(false);
  return today;
}

/** Opens a firearm's history from the bound book, and its "Dispose" dialog. */
async function openDispose(serial: string) {
  await page.locator(`[data-testid="ledger-row"][data-serial="${serial}"]`).click();
  const history = page.getByTestId('firearm-history');
  await until(() => history.isVisible()).toBe(true);
  expect(await seriousA11yViolations(page), 'the history drawer').toEqual([]);
  await history.getByRole('button', { name: 'Dispose', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Dispose of this firearm' });
  await until(() => dialog.isVisible()).toBe(true);
  return { history, dialog };
}

async function chooseKind(dialog: ReturnType<Page['getByRole']>, kind: string): Promise<void> {
  await dialog.getByTestId('disposition-kind').click();
  await page.getByRole('option', { name: kind, exact: true }).click();
}

describe('dispositions: each kind’s fields, the hand-over date, corrections (27 CFR 478.125(e))', () => {
  const onFailure = () =>
    onTestFailed(async () => {
      const files = await screenshotAll({ page }, 'backroom-e2e-dispositions');
      console.error(`Screenshots: ${files.join(', ')}\nServer log:\n${server.log()}`);
    });
  let handedOverOn = '';
  let today = '';

  it('loans a pistol out: name and address required as typed, committed on a past hand-over date the history keeps', async () => {
    onFailure();
    await tab('Bound book');
    today = await acquireOne('26', 'LOAN301', 6);
    handedOverOn = addDays(today, -2);
    const { history, dialog } = await openDispose('LOAN301');
    await chooseKind(dialog, 'Loaned out');
    // A loan records who received the firearm and their address (27 CFR 478.125(e)).
    await dialog.getByLabel('Loaned to (name)').fill('Hill Country Range');
    const address = dialog.getByLabel('Their address');
    await address.fill('9');
    await address.fill('');
    await until(() => dialog.getByText('Enter the address.').isVisible()).toBe(true);
    await dialog.getByTestId('disposition-commit-now').check();
    // The day it left the store, entered by the clerk: not the day the record is made.
    await dialog.getByLabel('Hand-over date').fill(handedOverOn);
    expect(await seriousA11yViolations(page), 'the dispose dialog').toEqual([]);
    await dialog.getByRole('button', { name: 'Commit', exact: true }).click();
    // Refused without the address: the dialog stays and nothing is in the book.
    await until(() => dialog.getByText('Enter the address.').isVisible()).toBe(true);
    expect(await dialog.isVisible()).toBe(true);
    expect(await history.getByTestId('history-disposition').count()).toBe(0);

    await address.fill('9 Range Rd, Kerrville TX 78028');
    await until(() => dialog.getByText('Enter the address.').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Commit', exact: true }).click();
    await until(() => dialog.isVisible()).toBe(false);
    const line = history.getByTestId('history-disposition').getByTestId('disposition-line');
    await until(() => line.textContent()).toContain(`Handed over ${handedOverOn}`);
    expect(await line.textContent()).not.toContain(today);
    expect(await line.textContent()).toContain(
      'Hill Country Range · 9 Range Rd, Kerrville TX 78028',
    );
    expect(await history.getByText('Loaned out').count()).toBe(1);
    expect(pageProblems).toEqual([]);
  });

  it('corrects the loan with a reason, and the history shows it as first entered, as corrected and both (ATF Rul. 2016-1)', async () => {
    onFailure();
    const history = page.getByTestId('firearm-history');
    await history.getByRole('button', { name: 'Correct disposition' }).click();
    const dialog = page.getByRole('dialog', { name: /^Correct disposition/ });
    await until(() => dialog.isVisible()).toBe(true);
    // The form opens on the loan as recorded, its hand-over date included.
    expect(await dialog.getByLabel('Their address').inputValue()).toBe(
      '9 Range Rd, Kerrville TX 78028',
    );
    expect(await dialog.getByLabel('Hand-over date').inputValue()).toBe(handedOverOn);
    await dialog.getByLabel('Their address').fill('19 Range Rd, Kerrville TX 78028');
    expect(await seriousA11yViolations(page), 'the correction dialog').toEqual([]);
    // No reason: refused as typed.
    await dialog.getByRole('button', { name: 'Record correction' }).click();
    await until(() => dialog.getByText('Fill this in.').isVisible()).toBe(true);
    await dialog.getByLabel('Reason').fill('House number misread from the loan form: it is 19');
    await dialog.getByRole('button', { name: 'Record correction' }).click();
    await until(() => dialog.isVisible()).toBe(false);

    const original = history.getByTestId('history-disposition');
    const correction = history.getByTestId('history-disposition-correction');
    const view = history.getByTestId('disposition-view');
    // Both: the loan as first entered and its correction, with why.
    await until(() => correction.count()).toBe(1);
    expect(await original.count()).toBe(1);
    expect(await original.textContent()).toContain('9 Range Rd');
    expect(await correction.textContent()).toContain('19 Range Rd');
    expect(await correction.textContent()).toContain(`Handed over ${handedOverOn}`);
    expect(await correction.textContent()).toContain(
      'Why: House number misread from the loan form: it is 19',
    );
    expect(await seriousA11yViolations(page), 'the history, both views').toEqual([]);
    await view.getByText('As first entered').click();
    await until(() => correction.count()).toBe(0);
    expect(await original.textContent()).toContain('· 9 Range Rd');
    await view.getByText('As corrected').click();
    await until(() => correction.count()).toBe(1);
    expect(await original.count()).toBe(0);
    expect(await correction.textContent()).toContain('19 Range Rd');
    await page.keyboard.press('Escape');
    expect(pageProblems).toEqual([]);
  });

  it('refuses a destruction without its method (27 CFR 478.125(e)), and records nothing', async () => {
    onFailure();
    await acquireOne('43', 'DEST302', 1);
    const { history, dialog } = await openDispose('DEST302');
    await chooseKind(dialog, 'Destroyed');
    await dialog.getByLabel('Destroyed by (name)').fill('Lone Star Arms');
    expect(await seriousA11yViolations(page), 'the dispose dialog, destroyed').toEqual([]);
    await dialog.getByRole('button', { name: 'Start disposition' }).click();
    await until(() => dialog.getByText('Say how it was destroyed.').isVisible()).toBe(true);
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await until(() => dialog.isVisible()).toBe(false);
    expect(await history.getByTestId('history-disposition').count()).toBe(0);
    expect(await history.getByRole('button', { name: 'Dispose', exact: true }).isVisible()).toBe(
      true,
    );
    expect(pageProblems).toEqual([]);
  });
});
