// The pole display driver against the display simulator over a real pty pair, in both
// command sets: what the customer sees.
import { afterEach, describe, expect, it } from 'vitest';
import { poleDisplaySchema } from '../../core/devices/model.ts';
import type { PoleDisplay } from '../../core/devices/ports.ts';
import {
  startPoleDisplaySimulator,
  type RunningPoleDisplaySimulator,
} from '../../simulators/pole-display/simulator.ts';
import { createPoleDisplay, type PoleDisplayOptions } from './pole-display.ts';

const open: { display: PoleDisplay; running: RunningPoleDisplaySimulator }[] = [];
afterEach(async () => {
  for (const { display, running } of open.splice(0)) {
    await display.close();
    await running.close();
  }
});

async function setUp(
  model: 'epson' | 'cd5220',
  o: PoleDisplayOptions & { width?: number; idleMessage?: string } = {},
) {
  const running = await startPoleDisplaySimulator({ model, width: o.width ?? 20 });
  const config = poleDisplaySchema.parse({
    kind: 'pole_display',
    name: 'Till 1',
    model,
    connection: { type: 'serial', path: running.hostPath, baudRate: 9600 },
    ...(o.width ? { width: o.width } : {}),
    ...(o.idleMessage ? { idleMessage: o.idleMessage } : {}),
  });
  const display = createPoleDisplay(config, o);
  open.push({ display, running });
  return { display, sim: running.simulator };
}

describe.each(['epson', 'cd5220'] as const)('a pole display in %s mode over a pty', (model) => {
  it('shows the two lines', async () => {
    const { display, sim } = await setUp(model);
    await display.show({ line1: 'Bananas 1.2 lb', line2: 'Total        $4.56' });
    await sim.until(['Bananas 1.2 lb', 'Total        $4.56']);
    // A second show overwrites both lines, leaving nothing of the first.
    await display.show({ line1: 'Thank you', line2: '' });
    await sim.until(['Thank you', '']);
    expect(sim.unknownBytes()).toEqual([]);
  });

  it('cuts a line longer than the width when told not to scroll', async () => {
    const { display, sim } = await setUp(model, { overflow: 'truncate' });
    await display.show({ line1: 'Glenfiddich 12 Year Old Single Malt', line2: '$54.99' });
    await sim.until(['Glenfiddich 12 Year ', '$54.99']);
  });

  it('folds accents to ASCII on the display', async () => {
    const { display, sim } = await setUp(model);
    await display.show({ line1: 'Crème brûlée', line2: 'Jägermeister' });
    await sim.until(['Creme brulee', 'Jagermeister']);
  });

  it('shows the idle message, on two lines when it is too long for one', async () => {
    const { display, sim } = await setUp(model, { idleMessage: 'Welcome to Main Street Liquor' });
    await display.showIdle();
    await sim.until(['Welcome to Main', 'Street Liquor']);
  });

  it('scrolls a line too long to fit, and stops on the next show', async () => {
    const { display, sim } = await setUp(model, { width: 8, scrollMs: 25 });
    await display.show({ line1: 'ABCDEFGHIJ', line2: 'Total' });
    await sim.until(['ABCDEFGH', 'Total']);
    await sim.until(['BCDEFGHI', 'Total']);
    await sim.until(['CDEFGHIJ', 'Total']);
    await display.show({ line1: 'Next', line2: '' });
    await sim.until(['Next', '']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.screen()).toEqual(['Next    ', '        ']);
  });

  it('reopens and resets the display after it was closed', async () => {
    const { display, sim } = await setUp(model);
    await display.show({ line1: 'One', line2: 'Two' });
    await sim.until(['One', 'Two']);
    await display.close();
    expect(await display.probe()).toEqual({ connected: true });
    await display.show({ line1: 'Three', line2: '' });
    await sim.until(['Three', '']);
  });
});

describe('a pole display that is not plugged in', () => {
  it('is offline, naming the port', async () => {
    const display = createPoleDisplay(
      poleDisplaySchema.parse({
        kind: 'pole_display',
        name: 'Till 1',
        model: 'epson',
        connection: { type: 'serial', path: '/dev/backroom-no-such-port', baudRate: 9600 },
      }),
    );
    await expect(display.show({ line1: 'Hi', line2: '' })).rejects.toMatchObject({
      code: 'offline',
      message:
        'The pole display “Till 1” on /dev/backroom-no-such-port cannot be opened: there is no such port. Check the cable and the port in the device settings.',
    });
    expect(await display.probe()).toMatchObject({ connected: false, problem: { code: 'offline' } });
    await display.close();
  });
});
