// The demo store's data, entered through the real services as a store would enter it over six
// weeks: the services run on a ManualClock set back in time and moved forward day by day, so
// every date obeys the book's rules (no future dates, checks answered in order, a denial
// final, each disposition kind with the fields 27 CFR 478.125(e) asks of it). Then the demo
// starts the real server on the system clock (scripts/demo.ts).
import type { AuthService } from '../auth/service.ts';
import type { StoreServices } from '../app/services.ts';
import { localDate, type ManualClock } from '../clock.ts';
import type { CheckRecord } from '../checks/service.ts';
import type { DispositionInput, FirearmInput, FirearmType } from '../firearms/model.ts';
import type { AcquisitionEntry } from '../firearms/service.ts';
import { readySchema } from '../pharmacy/messages.ts';
import { DEMO_OWNER_PIN, DEMO_USERS } from './users.ts';

const DAY = 86_400_000;

/** The simulators the demo store's devices and connections point at. */
export interface DemoEndpoints {
  receiptPrinter: { host: string; port: number };
  labelPrinter: { host: string; port: number };
  /** Pseudo-terminals of the scale and pole display simulators (null: socat is missing). */
  scale: string | null;
  poleDisplay: string | null;
  rx30: { host: string; port: number };
  webhook: { url: string; secret: string };
}

export const DEMO_STORE = {
  name: 'Lone Star Outfitters & Pharmacy',
  state: 'TX' as const,
  ffl: '5-74-453-01-8K-07734',
  timeZone: 'America/Chicago',
  rx30StoreId: 'S1',
};

export const DEMO_DEVICES = {
  receipt: 'Front counter printer',
  label: 'Back room label printer',
  scale: 'Deli scale',
  pole: 'Counter display',
} as const;

export const DEMO_CONNECTIONS = { webhook: 'webhook.outbound', rx30: 'pharmacy.rx30' } as const;

/** What the demo entered, for the banner and the tests. */
export interface DemoSummary {
  acquisitions: number;
  dispositions: number;
  /** 4473 numbers of the checks left in each state (the check desk shows them). */
  checks: Record<CheckRecord['status'], string>;
  /** A delayed check's may-proceed day (still ahead). */
  delayedMayProceedOn: string | null;
  multipleSale4473: string;
  pmfSerial: string;
  prescriptions: { rxLabel: string; patient: string; dateOfBirth: string }[];
}

const CATALOGUE: {
  manufacturer: string;
  model: string;
  type: FirearmType;
  caliber: string;
  prefix: string;
}[] = [
  { manufacturer: 'Glock', model: '19 Gen5', type: 'pistol', caliber: '9mm', prefix: 'BXR' },
  {
    manufacturer: 'Ruger',
    model: '10/22 Carbine',
    type: 'rifle',
    caliber: '.22 LR',
    prefix: '0023-',
  },
  {
    manufacturer: 'Remington',
    model: '870 Express',
    type: 'shotgun',
    caliber: '12 ga',
    prefix: 'RS',
  },
  {
    manufacturer: 'Smith & Wesson',
    model: 'M&P Shield',
    type: 'pistol',
    caliber: '9mm',
    prefix: 'JFK',
  },
  {
    manufacturer: 'Savage Arms',
    model: 'Axis II',
    type: 'rifle',
    caliber: '.308 Win',
    prefix: 'N',
  },
  { manufacturer: 'Mossberg', model: '500 Field', type: 'shotgun', caliber: '20 ga', prefix: 'V' },
  { manufacturer: 'Colt', model: 'Python', type: 'revolver', caliber: '.357 Mag', prefix: 'PY' },
  { manufacturer: 'Henry', model: 'Big Boy', type: 'rifle', caliber: '.44 Mag', prefix: 'BB' },
  { manufacturer: 'Sig Sauer', model: 'P365', type: 'pistol', caliber: '9mm', prefix: '66A' },
  { manufacturer: 'Browning', model: 'Citori', type: 'shotgun', caliber: '12 ga', prefix: 'BC' },
];

const DISTRIBUTORS = [
  { name: 'Gulf Coast Arms Wholesale', ffl: '5-74-201-01-9K-11111' },
  { name: 'Hill Country Distributing LLC', ffl: '5-74-453-01-9L-22222' },
];

const STREETS = ['Oak St', 'Elm Ave', 'Pecan Dr', 'Guadalupe St', 'Lamar Blvd', 'Ranch Rd 12'];
const FIRST = ['Ana', 'Ben', 'Cruz', 'Dee', 'Eli', 'Faye', 'Gus', 'Hana', 'Ike', 'Jo', 'Kai'];
const LAST = ['Alvarez', 'Brooks', 'Chen', 'Diaz', 'Evans', 'Flores', 'Garza', 'Hill', 'Ito'];

/** Who a sale went to: a made-up name and Austin address (the store files 4473s by name). */
function buyer(n: number) {
  return {
    name: `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]}`,
    address: `${100 + n} ${STREETS[n % STREETS.length]}, Austin TX 787${String(n % 100).padStart(2, '0')}`,
    key: `demo-buyer-${n}`,
  };
}

/**
 * Enters the demo store into fresh services (no users yet) whose clock is `clock`; `now` is
 * the real time the demo starts at (the last day of the seeded history is its store date).
 */
export async function seedDemoStore(
  s: StoreServices,
  clock: ManualClock,
  o: { now: number; endpoints: DemoEndpoints; firearms?: number },
): Promise<DemoSummary> {
  const tz = DEMO_STORE.timeZone;
  const dayAt = (daysAgo: number) => clock.set(o.now - daysAgo * DAY);
  const today = () => localDate(clock.now(), tz);
  const weekday = () => new Date(`${today()}T12:00:00Z`).getUTCDay();

  dayAt(45);
  const owner = DEMO_USERS.find((u) => u.role === 'owner');
  if (!owner) throw new Error('The demo needs an owner.');
  const actor = owner.username;
  await users(s.auth);
  s.profile.update(actor, {
    name: DEMO_STORE.name,
    state: DEMO_STORE.state,
    ffl: DEMO_STORE.ffl,
    form4473FiledNumerically: false,
  });
  s.storeHours.update(actor, { ...s.storeHours.get().hours, timeZone: tz });

  // ── The bound book: a delivery or two each business day, sales from the second week ──
  const clerk = DEMO_USERS.find((u) => u.role === 'compliance_clerk')?.username ?? actor;
  const total = o.firearms ?? 300;
  const stock: AcquisitionEntry[] = [];
  let received = 0;
  let serial = 0;
  let sales = 0;
  let form = 0;
  let dispositions = 0;
  const next4473 = () => `2026-${String(++form).padStart(4, '0')}`;
  const firearm = (): FirearmInput => {
    const c = CATALOGUE[serial % CATALOGUE.length] as (typeof CATALOGUE)[number];
    serial++;
    return {
      manufacturer: c.manufacturer,
      model: c.model,
      type: c.type,
      caliber: c.caliber,
      serial: `${c.prefix}${String(40_000 + serial * 37).padStart(6, '0')}`,
    };
  };
  /** One firearm of a type out of stock (the oldest received). */
  const take = (types: readonly FirearmType[]): AcquisitionEntry => {
    const i = stock.findIndex((e) => types.includes(e.type as FirearmType));
    const [entry] = i >= 0 ? stock.splice(i, 1) : [];
    if (!entry) throw new Error(`The demo book ran out of ${types.join('/')}s.`);
    return entry;
  };
  const LONG_GUNS: FirearmType[] = ['rifle', 'shotgun'];
  const HANDGUNS: FirearmType[] = ['pistol', 'revolver'];

  /** A check on a 4473, answered as the steps say, each on the store's date now. */
  const check = (
    items: AcquisitionEntry[],
    who: ReturnType<typeof buyer>,
    steps: ('submit' | 'proceed' | 'delayed' | 'denied' | 'cancelled')[],
  ) => {
    const form4473 = next4473();
    const c = s.checks.start(clerk, {
      form4473,
      buyerKey: who.key,
      itemIds: items.map((e) => e.itemId),
      itemTypes: items.map((e) => e.type),
      state: DEMO_STORE.state,
      buyerUnder21: false,
    });
    for (const step of steps)
      s.checks.record(
        clerk,
        c.id,
        step === 'submit'
          ? { kind: 'submit', on: today() }
          : { kind: step, on: today(), ...(step === 'proceed' ? { ntn: `NTN${c.id}` } : {}) },
      );
    return { id: c.id, form4473 };
  };
  /** Reserves the items for the buyer on the check's 4473 (the check desk hands them over). */
  const reserve = (
    items: AcquisitionEntry[],
    who: ReturnType<typeof buyer>,
    c: { id: number; form4473: string },
  ) =>
    items.map((e) =>
      s.firearms.startDisposition(clerk, e.itemId, {
        kind: 'non_licensee',
        form4473: c.form4473,
        buyerKey: who.key,
        checkId: c.id,
        transfereeName: who.name,
        transfereeAddress: who.address,
      }),
    );
  const sell = (items: AcquisitionEntry[], who: ReturnType<typeof buyer>) => {
    const c = check(items, who, ['submit', 'proceed']);
    reserve(items, who, c);
    dispositions += s.firearms.handOver(clerk, c.form4473).length;
    return c;
  };
  const dispose = (entry: AcquisitionEntry, d: DispositionInput) => {
    const row = s.firearms.startDisposition(clerk, entry.itemId, d);
    s.firearms.commitDisposition(clerk, row.id);
    dispositions++;
  };

  // Dispositions other than sales, one of each kind, on these days (days ago).
  const otherKinds: Record<number, () => DispositionInput> = {
    30: () => ({
      kind: 'licensee',
      transfereeName: 'Pflugerville Gun Works',
      transfereeFfl: '5-74-453-07-8C-04321',
    }),
    25: () => ({ kind: 'theft_loss', atfIncident: 'ATF-2026-0117' }),
    20: () => ({
      kind: 'destroyed',
      transfereeName: DEMO_STORE.name,
      destructionMethod: 'Frame torch-cut in three pieces',
    }),
    15: () => ({
      kind: 'returned_to_source',
      transfereeName: DISTRIBUTORS[0]?.name ?? '',
      transfereeFfl: DISTRIBUTORS[0]?.ffl ?? '',
    }),
    12: () => ({
      kind: 'law_enforcement',
      transfereeName: 'Austin Police Department',
      transfereeAddress: '715 E 8th St, Austin TX 78701',
      officerName: 'Sgt. R. Ruiz',
      officerBadge: '4411',
    }),
    10: () => ({
      kind: 'loan_out',
      transfereeName: 'Bastrop Range Day Rentals',
      transfereeAddress: '5 Range Rd, Bastrop TX 78602',
    }),
    6: () => ({
      kind: 'exempt',
      transfereeName: 'Dana Smith',
      transfereeAddress: '9 Oak St, Austin TX 78704',
      exemptionBasis: 'Return of a repaired firearm to its owner',
    }),
  };

  const checks: Partial<Record<CheckRecord['status'], string>> = {};
  const businessDays = [...Array(45).keys()].map((i) => 44 - i); // 44 … 0 days ago
  const perDay = Math.ceil(total / 38);
  for (const daysAgo of businessDays) {
    dayAt(daysAgo);
    // A delivery (the last days receive less, so the book ends near `total`); none on Sundays.
    const count = Math.min(perDay, total - received);
    if (count > 0 && daysAgo > 0 && weekday() !== 0) {
      const source = DISTRIBUTORS[daysAgo % DISTRIBUTORS.length] as (typeof DISTRIBUTORS)[number];
      const entries = s.firearms.acquire(clerk, {
        receivedOn: today(),
        source,
        firearms: Array.from({ length: count }, firearm),
      });
      stock.push(...entries);
      received += entries.length;
    }
    if (daysAgo === 40) {
      // A check started and submitted, never answered: it expires after 30 days (27 CFR 478.102(c)).
      checks.expired = check([take(LONG_GUNS)], buyer(900), ['submit']).form4473;
    }
    if (daysAgo === 5 && checks.expired) {
      const id = s.checks
        .list({ limit: 1_000, openOnly: false })
        .find((c) => c.form4473 === checks.expired)?.id;
      if (id) s.checks.record(clerk, id, { kind: 'expire' });
    }
    const other = otherKinds[daysAgo];
    if (other) dispose(take(LONG_GUNS), other());
    // Two sales a day from the second week on, to different buyers (no multiple sale).
    if (daysAgo <= 38 && daysAgo >= 1) {
      sell([take(LONG_GUNS)], buyer(++sales));
      sell([take(daysAgo % 3 === 0 ? HANDGUNS : LONG_GUNS)], buyer(++sales));
    }
    if (daysAgo === 9) {
      // Delayed, and the may-proceed day has passed: the firearm waits to be handed over.
      const who = buyer(901);
      const items = [take(LONG_GUNS)];
      reserve(items, who, check(items, who, ['submit', 'delayed']));
    }
    if (daysAgo === 3)
      checks.denied = check([take(HANDGUNS)], buyer(902), ['submit', 'denied']).form4473;
    if (daysAgo === 2) {
      checks.cancelled = check([take(LONG_GUNS)], buyer(903), ['submit', 'cancelled']).form4473;
      // A privately made firearm brought in for sale: to mark within 7 days (27 CFR 478.92).
      const [pmf] = s.firearms.acquire(clerk, {
        receivedOn: today(),
        source: { name: 'Travis Kemp', address: '41 Mesquite Ln, Dripping Springs TX 78620' },
        firearms: [
          {
            manufacturer: 'Privately made',
            model: 'AR-15 type',
            serial: 'NSN',
            type: 'receiver',
            caliber: '5.56 NATO',
            privatelyMade: true,
          },
        ],
      });
      if (pmf) received++;
    }
  }

  // ── Today: the check desk's open work ──
  dayAt(0);
  checks.initiated = check([take(LONG_GUNS)], buyer(904), []).form4473;
  checks.pending = check([take(LONG_GUNS)], buyer(905), ['submit']).form4473;
  const delayedBuyer = buyer(906);
  const delayedItems = [take(LONG_GUNS)];
  const delayed = check(delayedItems, delayedBuyer, ['submit', 'delayed']);
  reserve(delayedItems, delayedBuyer, delayed);
  checks.delayed = delayed.form4473;
  const delayedMayProceedOn = s.checks.get(delayed.id).mayProceedOn;
  {
    // Proceed, the firearm reserved: "Hand over" at the check desk completes the sale.
    const who = buyer(907);
    const items = [take(LONG_GUNS)];
    const c = check(items, who, ['submit', 'proceed']);
    reserve(items, who, c);
    checks.proceed = c.form4473;
  }
  // Two handguns to one buyer today: a multiple sale, Form 3310.4 due by close of business.
  const multiple = sell([take(['pistol']), take(['revolver', 'pistol'])], buyer(908));

  // ── Pharmacy: prescriptions ready for pickup, as Rx30 sends them ──
  const prescriptions = [
    {
      rx: '500001',
      last: 'García',
      first: 'Ana',
      dob: '1958-03-14',
      drug: 'Lisinopril 10 mg',
      due: 1250,
      bin: 'A-03',
    },
    {
      rx: '500002',
      last: 'Nguyen',
      first: 'Bao',
      dob: '1972-07-09',
      drug: 'Metformin 500 mg',
      due: 800,
      bin: 'A-07',
    },
    {
      rx: '500003',
      last: 'Okafor',
      first: 'Chidi',
      dob: '1990-11-30',
      drug: 'Amoxicillin 500 mg',
      due: 1575,
      bin: 'B-01',
      counsel: true,
    },
    {
      rx: '500004',
      last: 'Smith',
      first: 'Dana',
      dob: '1949-01-22',
      drug: 'Hydrocodone/APAP 5/325',
      due: 2200,
      bin: 'C-12',
      schedule: 'II' as const,
    },
    {
      rx: '500005',
      last: 'Walker',
      first: 'Eve',
      dob: '1985-05-05',
      drug: 'Atorvastatin 20 mg',
      due: 0,
      bin: 'A-11',
    },
  ];
  for (const p of prescriptions) {
    s.pharmacy.inbox.apply(
      readySchema.parse({
        type: 'READY',
        id: `DEMO-${p.rx}-0`,
        storeId: DEMO_STORE.rx30StoreId,
        rxNumber: p.rx,
        fillNumber: 0,
        patientId: `P-${p.rx}`,
        lastName: p.last,
        firstName: p.first,
        dateOfBirth: p.dob,
        drug: p.drug,
        amountDue: p.due,
        taxable: false,
        fsaHsaEligible: p.due,
        hipaaNoticeRequired: p.rx === '500001',
        counselingRequired: p.counsel === true,
        safetyCapWaiver: false,
        controlledSchedule: p.schedule ?? null,
        willCallBin: p.bin,
        fillDate: today(),
        partialFill: false,
      }),
    );
  }

  // ── Devices and connections, pointed at the simulators ──
  await pointAtSimulators(s, o.endpoints, actor);

  const missing = (
    ['initiated', 'pending', 'delayed', 'proceed', 'denied', 'cancelled', 'expired'] as const
  ).filter((k) => !checks[k]);
  if (missing.length) throw new Error(`The demo left no ${missing.join(', ')} check.`);
  return {
    acquisitions: received,
    dispositions,
    checks: checks as Record<CheckRecord['status'], string>,
    delayedMayProceedOn,
    multipleSale4473: multiple.form4473,
    pmfSerial: 'NSN',
    prescriptions: prescriptions.map((p) => ({
      rxLabel: `${p.rx}-00`,
      patient: `${p.last}, ${p.first}`,
      dateOfBirth: p.dob,
    })),
  };
}

/**
 * One user per role, each signed in once to choose the printed password: no one is left with
 * "must change password" (a password a manager set), so a newcomer signs in directly.
 */
async function users(auth: AuthService): Promise<void> {
  const owner = DEMO_USERS.find((u) => u.role === 'owner');
  if (!owner) throw new Error('The demo needs an owner.');
  const created = await auth.setupOwner({
    username: owner.username,
    displayName: owner.displayName,
    password: owner.password,
    pin: DEMO_OWNER_PIN,
  });
  const by = { userId: created.id, username: created.username };
  for (const u of DEMO_USERS) {
    if (u === owner) continue;
    const first = `${u.password}-set-by-owner`;
    await auth.createUser(by, {
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      password: first,
    });
    const { token } = await auth.login({ username: u.username, password: first }, 'demo-setup');
    const { session } = auth.authenticate(token, { allowLocked: true });
    await auth.changePassword(session, { currentPassword: first, newPassword: u.password });
    auth.logout(session, u.username);
  }
}

/**
 * Points the demo's devices and connections at the simulators running now (their ports change
 * from run to run): adds them the first time, updates them after.
 */
export async function pointAtSimulators(
  s: StoreServices,
  e: DemoEndpoints,
  actor: string,
): Promise<void> {
  const devices = new Map(s.devices.list().map((d) => [d.name, d]));
  const put = (config: { name: string } & Record<string, unknown>) => {
    const existing = devices.get(config.name);
    if (existing) s.devices.update(actor, existing.id, config);
    else s.devices.add(actor, config);
  };
  put({
    kind: 'receipt_printer',
    name: DEMO_DEVICES.receipt,
    model: 'epson',
    connection: { type: 'tcp', ...e.receiptPrinter },
  });
  put({
    kind: 'label_printer',
    name: DEMO_DEVICES.label,
    model: 'zpl',
    connection: { type: 'tcp', ...e.labelPrinter },
  });
  if (e.scale)
    put({
      kind: 'scale',
      name: DEMO_DEVICES.scale,
      model: 'mt-sics',
      connection: { type: 'serial', path: e.scale, baudRate: 9600 },
    });
  if (e.poleDisplay)
    put({
      kind: 'pole_display',
      name: DEMO_DEVICES.pole,
      model: 'epson',
      connection: { type: 'serial', path: e.poleDisplay, baudRate: 9600 },
      idleMessage: 'Welcome to Lone Star',
    });

  const connection = async (provider: string, values: Record<string, string | number>) => {
    const found = s.integrations.connections
      .list()
      .find((c) => c.provider === provider && c.state !== 'disconnected');
    // Rx30 is per pharmacy location; signed webhooks are store-wide.
    const where = provider === DEMO_CONNECTIONS.rx30 ? { location: 'main' } : {};
    const c = found ?? s.integrations.create(actor, { provider, ...where });
    await s.integrations.connections.configure(actor, c.id, values);
    // A live test against the simulator, as "Test and enable" does.
    if (s.integrations.connections.get(c.id).state !== 'active')
      await s.integrations.enable(actor, c.id);
  };
  await connection(DEMO_CONNECTIONS.webhook, { url: e.webhook.url, secret: e.webhook.secret });
  await connection(DEMO_CONNECTIONS.rx30, {
    mode: 'socket',
    host: e.rx30.host,
    port: e.rx30.port,
    storeId: DEMO_STORE.rx30StoreId,
  });
}
