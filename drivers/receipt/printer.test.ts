// The driver against the printer simulator over real TCP on 127.0.0.1, and against a real
// pseudo-terminal pair for a serial printer.
import { SerialPort } from 'serialport';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DeviceError } from '../../core/devices/ports.ts';
import { decodeEscPos } from '../../simulators/escpos-printer/decode.ts';
import {
  startEscPosPrinter,
  statusByte,
  type EscPosPrinterOptions,
} from '../../simulators/escpos-printer/printer.ts';
import { openPtyPair } from '../../simulators/serial/pty.ts';
import { encodeReceipt } from './escpos.ts';
import { createReceiptPrinter } from './printer.ts';
import {
  printerConfig,
  sampleReceipt,
  sampleReceiptLines32,
  sampleReceiptLines42,
} from './testing.ts';

/** A simulator and a driver pointed at it, both cleaned up after the test. */
async function printerOnNetwork(
  sim: EscPosPrinterOptions = {},
  config: Parameters<typeof printerConfig>[1] = {},
) {
  const simulator = await startEscPosPrinter(sim);
  onTestFinished(() => simulator.stop());
  const printer = createReceiptPrinter(
    printerConfig({ type: 'tcp', host: '127.0.0.1', port: simulator.port }, config),
    { statusTimeoutMs: 300 },
  );
  return { simulator, printer };
}

describe('a receipt printed over the network', () => {
  it('reads back on the printer line for line, with barcode, QR code and cut', async () => {
    const { simulator, printer } = await printerOnNetwork();
    await printer.printReceipt(sampleReceipt);
    const [receipt] = await simulator.waitForJobs(1);
    expect(receipt).toEqual({
      lines: sampleReceiptLines42,
      barcodes: ['S-4411'],
      qr: ['https://example.com/r/4411'],
      drawerKicks: [],
      cuts: 1,
      statusRequests: [],
    });
  });

  it('opens the cash drawer on pin 2 with exactly 1B 70 00 19 FA', async () => {
    const { simulator, printer } = await printerOnNetwork();
    await printer.printReceipt(sampleReceipt);
    await printer.openDrawer();
    const [, kick] = await simulator.waitForJobs(2);
    expect(simulator.printJobs()[1]?.toString('hex')).toBe('1b700019fa');
    expect(kick?.drawerKicks).toEqual([{ pin: 2, t1: 25, t2: 250 }]);
  });

  it('opens a drawer wired to pin 5 with exactly 1B 70 01 19 FA', async () => {
    const { simulator, printer } = await printerOnNetwork({}, { drawerPin: 5 });
    await printer.openDrawer();
    const [kick] = await simulator.waitForJobs(1);
    expect(simulator.printJobs()[0]?.toString('hex')).toBe('1b700119fa');
    expect(kick?.drawerKicks).toEqual([{ pin: 5, t1: 25, t2: 250 }]);
  });

  it('prints on a Star printer in Star Line Mode', async () => {
    const { simulator, printer } = await printerOnNetwork(
      { model: 'star' },
      { model: 'star', width: 32, drawerPin: 5 },
    );
    await printer.printReceipt(sampleReceipt);
    await printer.openDrawer();
    const [receipt, kick] = await simulator.waitForJobs(2);
    expect(receipt?.lines).toEqual(sampleReceiptLines32);
    expect(receipt?.barcodes).toEqual(['S-4411']);
    expect(receipt?.qr).toEqual(['https://example.com/r/4411']);
    expect(simulator.printJobs()[1]?.toString('hex')).toBe('1a');
    expect(kick?.drawerKicks).toEqual([{ pin: 5, t1: 20, t2: 20 }]);
  });

  it('prints a test page with the printer’s settings', async () => {
    const { simulator, printer } = await printerOnNetwork();
    await printer.printTestPage('Test page');
    const [page] = await simulator.waitForJobs(1);
    expect(page?.lines).toContain(`Connection: 127.0.0.1:${simulator.port}`);
    expect(page?.lines).toContain('Printer: Front counter');
  });
});

describe('a printer that cannot print', () => {
  it('is offline when switched off, quickly, and prints once it is back', async () => {
    const { simulator, printer } = await printerOnNetwork();
    await simulator.offline();
    // eslint-disable-next-line no-restricted-syntax -- measures a real socket timeout
    const started = Date.now();
    const refused = await printer.printReceipt(sampleReceipt).catch((e: unknown) => e);
    // eslint-disable-next-line no-restricted-syntax -- measures a real socket timeout
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(refused).toBeInstanceOf(DeviceError);
    expect(refused).toMatchObject({
      code: 'offline',
      message: `The printer at 127.0.0.1:${simulator.port} refused the connection. Check that it is on, connected, and at that address.`,
    });
    expect(await printer.probe()).toMatchObject({ connected: false, problem: { code: 'offline' } });

    await simulator.online();
    await printer.printReceipt(sampleReceipt);
    const [receipt] = await simulator.waitForJobs(1);
    expect(receipt?.lines).toEqual(sampleReceiptLines42);
  });

  it('refuses a receipt when out of paper, and prints nothing', async () => {
    const { simulator, printer } = await printerOnNetwork();
    simulator.paperOut(true);
    expect(await printer.probe()).toEqual({
      connected: true,
      problem: {
        code: 'paper_out',
        message:
          'The receipt printer “Front counter” is out of paper. Put in a new roll, close the cover, and print again.',
      },
    });
    await expect(printer.printReceipt(sampleReceipt)).rejects.toMatchObject({ code: 'paper_out' });
    expect(simulator.printJobs()).toEqual([]);
    expect(simulator.jobs.length).toBeGreaterThan(0); // it was asked, status only

    simulator.paperOut(false);
    await printer.printReceipt(sampleReceipt);
    expect(await simulator.waitForJobs(1)).toHaveLength(1);
  });

  it('refuses a receipt while the cover is open', async () => {
    const { simulator, printer } = await printerOnNetwork();
    simulator.coverOpen(true);
    await expect(printer.printReceipt(sampleReceipt)).rejects.toMatchObject({
      code: 'cover_open',
      message: expect.stringContaining('cover open'),
    });
    expect(simulator.printJobs()).toEqual([]);
  });

  it('still opens the drawer when out of paper (the sale is paid)', async () => {
    const { simulator, printer } = await printerOnNetwork();
    simulator.paperOut(true);
    await printer.openDrawer();
    expect((await simulator.waitForJobs(1))[0]?.drawerKicks).toHaveLength(1);
  });
});

describe('a printer that does not answer status requests', () => {
  it('counts as connected when it takes the connection, and prints', async () => {
    const { simulator, printer } = await printerOnNetwork({ answersStatus: false });
    // eslint-disable-next-line no-restricted-syntax -- measures a real socket timeout
    const started = Date.now();
    expect(await printer.probe()).toEqual({ connected: true });
    // eslint-disable-next-line no-restricted-syntax -- measures a real socket timeout
    expect(Date.now() - started).toBeLessThan(1_000);
    await printer.printReceipt(sampleReceipt);
    expect(await simulator.waitForJobs(1)).toHaveLength(1);
  });
});

describe('a printer on a serial port', () => {
  /** A pseudo-terminal pair; the test plays the printer on the device end. */
  async function printerOnSerial() {
    const pair = await openPtyPair();
    onTestFinished(() => pair.close());
    const device = new SerialPort({ path: pair.devicePath, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => device.open((e) => (e ? reject(e) : resolve())));
    onTestFinished(() => new Promise<void>((resolve) => device.close(() => resolve())));
    const state = { paperOut: false, coverOpen: false, received: Buffer.alloc(0) };
    let scanned = 0;
    device.on('data', (chunk: Buffer) => {
      state.received = Buffer.concat([state.received, chunk]);
      // Answer DLE EOT n as the network simulator does, wherever it falls in the stream.
      for (; scanned + 2 < state.received.length; scanned++) {
        if (state.received[scanned] !== 0x10 || state.received[scanned + 1] !== 0x04) continue;
        device.write(Buffer.from([statusByte(state, state.received[scanned + 2] ?? 0)]));
        scanned += 2;
      }
    });
    const config = printerConfig({ type: 'serial', path: pair.hostPath, baudRate: 9600 });
    return { printer: createReceiptPrinter(config, { statusTimeoutMs: 300 }), state, config };
  }

  it('prints a receipt that reads back line for line', async () => {
    const { printer, state, config } = await printerOnSerial();
    await printer.printReceipt(sampleReceipt);
    const expected = encodeReceipt(sampleReceipt, config).length + 6; // + the status request
    await expect.poll(() => state.received.length, { timeout: 1_000 }).toBe(expected);
    const job = decodeEscPos(state.received);
    expect(job.statusRequests).toEqual([4, 2]);
    expect(job.lines).toEqual(sampleReceiptLines42);
  });

  it('refuses a receipt when out of paper', async () => {
    const { printer, state } = await printerOnSerial();
    state.paperOut = true;
    await expect(printer.printReceipt(sampleReceipt)).rejects.toMatchObject({ code: 'paper_out' });
    expect(decodeEscPos(state.received).lines).toEqual([]);
  });

  it('is offline, with the port named, when the port is not there', async () => {
    const printer = createReceiptPrinter(
      printerConfig({ type: 'serial', path: '/dev/ttyBackroomMissing', baudRate: 9600 }),
    );
    expect(await printer.probe()).toMatchObject({
      connected: false,
      problem: {
        code: 'offline',
        message: expect.stringContaining('/dev/ttyBackroomMissing is not there'),
      },
    });
  });
});
