// npx node simulators/pole-display/main.ts [--model epson|cd5220] [--width 20] [--link PATH]
// A pole display for trying Backroom by hand (and for the demo) on a pseudo-terminal: point
// a pole display device at the printed port with the same model; each new screen is printed.
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startPoleDisplaySimulator } from './simulator.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'epson' },
    width: { type: 'string', default: '20' },
    link: { type: 'string', default: path.join(os.tmpdir(), 'backroom-pole-display') },
  },
});
const model = values.model === 'cd5220' ? 'cd5220' : values.model === 'epson' ? 'epson' : undefined;
if (!model) throw new Error('--model is epson or cd5220');
const width = Number(values.width);

const running = await startPoleDisplaySimulator({
  model,
  width,
  links: { device: `${values.link}-device`, host: values.link },
});
console.log(`${model} pole display (2 x ${width}) on ${running.hostPath} (9600 8N1)`);

let shown = 0;
const timer = setInterval(() => {
  const history = running.simulator.history();
  for (const [a, b] of history.slice(shown))
    console.log(`┌${'─'.repeat(width)}┐\n│${a}│\n│${b}│\n└${'─'.repeat(width)}┘`);
  shown = history.length;
}, 100);

const stop = () => {
  clearInterval(timer);
  void running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
