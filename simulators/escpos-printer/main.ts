// npx node simulators/escpos-printer/main.ts [--port 9100] [--model epson|star] [--silent]
// A network receipt printer for trying Backroom by hand (and for the demo): add a receipt
// printer at 127.0.0.1 on this port, and each job it receives is printed here as text.
// Type `offline`, `online`, `paper out`, `paper in`, `cover open` or `cover closed` (then
// Enter) to change its state; --silent makes it ignore status requests, as many printers do.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { decodeEscPos, isStatusOnly } from './decode.ts';
import { EscPosPrinterSimulator } from './printer.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9100' },
    model: { type: 'string', default: 'epson' },
    silent: { type: 'boolean', default: false },
  },
});
if (values.model !== 'epson' && values.model !== 'star') {
  console.error('--model is epson or star.');
  process.exit(2);
}
const model = values.model;
const printer = new EscPosPrinterSimulator({
  port: Number(values.port),
  model,
  answersStatus: !values.silent,
});
await printer.start();
console.log(`Receipt printer (${model}) listening on 127.0.0.1:${printer.port}`);

printer.onJob((job) => {
  if (isStatusOnly(job)) {
    console.log(`· status asked (${job.length / 3} request${job.length === 3 ? '' : 's'})`);
    return;
  }
  try {
    const receipt = decodeEscPos(job, model);
    if (receipt.lines.length > 0) {
      const width = Math.max(...receipt.lines.map((l) => l.length));
      console.log(`┌${'─'.repeat(width + 2)}┐`);
      for (const line of receipt.lines) console.log(`│ ${line.padEnd(width)} │`);
      console.log(`└${'─'.repeat(width + 2)}┘`);
    }
    for (const code of receipt.barcodes) console.log(`  barcode (Code 128): ${code}`);
    for (const code of receipt.qr) console.log(`  QR code: ${code}`);
    for (const kick of receipt.drawerKicks) console.log(`  cash drawer kick: pin ${kick.pin}`);
    if (receipt.cuts > 0) console.log(`  cut x${receipt.cuts}`);
  } catch (error) {
    console.log(`! ${job.length} bytes it could not read: ${(error as Error).message}`);
    console.log(`  ${job.toString('hex').replace(/(..)/g, '$1 ')}`);
  }
});

const commands: Record<string, () => Promise<void> | void> = {
  offline: () => printer.offline(),
  online: () => printer.online(),
  'paper out': () => printer.paperOut(true),
  'paper in': () => printer.paperOut(false),
  'cover open': () => printer.coverOpen(true),
  'cover closed': () => printer.coverOpen(false),
};
readline.createInterface({ input: process.stdin }).on('line', (input) => {
  const command = commands[input.trim().toLowerCase()];
  if (!command) {
    console.log(`Commands: ${Object.keys(commands).join(', ')}.`);
    return;
  }
  void Promise.resolve(command()).then(() => console.log(`→ ${input.trim()}`));
});

const stop = () => void printer.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
