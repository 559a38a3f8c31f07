// The demo's Rx30 server: npx node simulators/rx30/main.ts [--port 7030]
// Point the store's "Rx30 pharmacy system" connection at 127.0.0.1:<port> (socket mode).
// Commands: "ready [LAST FIRST YYYY-MM-DD AMOUNT]" sends a prescription ready for pickup,
// "down" / "up" takes the server away and back, "nak N" refuses the store's next N messages.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { readySchema } from '../../core/pharmacy/messages.ts';
import { startRx30Simulator } from './server.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '7030' } } });
const rx30 = await startRx30Simulator({ port: Number(values.port) });
process.stdout.write(`Rx30 simulator listening on 127.0.0.1:${rx30.port}\n`);
let rx = 600_100;
let shown = 0;
setInterval(() => {
  for (const m of rx30.received.slice(shown))
    process.stdout.write(
      `store sent ${m.type} ${m.id}${'invoice' in m ? ` (${m.invoice})` : ''}\n`,
    );
  shown = rx30.received.length;
}, 200);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...args] = line.trim().split(/\s+/);
  if (cmd === 'ready') {
    rx++;
    const [last = 'Garcia', first = 'Ana', dob = '1961-04-02', amount = '12.50'] = args;
    const m = readySchema.parse({
      type: 'READY',
      id: `R-${rx}`,
      storeId: 'S1',
      rxNumber: String(rx),
      fillNumber: 0,
      patientId: `P-${last.toUpperCase()}-${dob}`.slice(0, 20),
      lastName: last,
      firstName: first,
      dateOfBirth: dob,
      drug: 'Lisinopril 10 mg',
      amountDue: Math.round(Number(amount) * 100),
      taxable: false,
      fsaHsaEligible: 0,
      hipaaNoticeRequired: false,
      counselingRequired: false,
      safetyCapWaiver: false,
      controlledSchedule: null,
      fillDate: new Date().toISOString().slice(0, 10),
      partialFill: false,
    });
    rx30.send(m).then(
      (answer) => process.stdout.write(`READY ${m.rxNumber}-00 → ${JSON.stringify(answer)}\n`),
      (error: unknown) => process.stdout.write(`READY ${m.rxNumber}: ${String(error)}\n`),
    );
  } else if (cmd === 'down') void rx30.down();
  else if (cmd === 'up') void rx30.up();
  else if (cmd === 'nak') rx30.nak(Number(args[0] ?? 1));
  else process.stdout.write('commands: ready [LAST FIRST YYYY-MM-DD AMOUNT] | down | up | nak N\n');
});
