// The demo's label printer: npx node simulators/zpl-printer/main.ts [--port 9101]
// Prints each label's fields as it arrives; type "paper out", "paper in", "head open",
// "head closed", "pause", "resume", "silent" (ignore ~HS), "answer", "offline" or "online"
// to change its state.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { fieldsOf, labelsOf, startZplPrinter } from './printer.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '9101' } } });
const printer = await startZplPrinter({ port: Number(values.port) });
process.stdout.write(`ZPL label printer listening on 127.0.0.1:${printer.port}\n`);
let shown = 0;
setInterval(() => {
  for (const job of printer.jobs.slice(shown))
    for (const label of labelsOf(job))
      process.stdout.write(`label: ${fieldsOf(label).join(' | ')}\n`);
  shown = printer.jobs.length;
}, 200);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = line.trim().toLowerCase();
  if (cmd === 'paper out') printer.state.paperOut = true;
  else if (cmd === 'paper in') printer.state.paperOut = false;
  else if (cmd === 'head open') printer.state.headOpen = true;
  else if (cmd === 'head closed') printer.state.headOpen = false;
  else if (cmd === 'pause') printer.state.paused = true;
  else if (cmd === 'resume') printer.state.paused = false;
  else if (cmd === 'silent') printer.answersStatus = false;
  else if (cmd === 'answer') printer.answersStatus = true;
  else if (cmd === 'offline') void printer.offline();
  else if (cmd === 'online') void printer.online();
  else
    process.stdout.write(
      'commands: paper out | paper in | head open | head closed | pause | resume | silent | answer | offline | online\n',
    );
});
