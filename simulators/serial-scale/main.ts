// npx node simulators/serial-scale/main.ts [--protocol mt-sics|toledo-8213] [--link PATH]
//   [--weight 1.234] [--unit kg]
// A scale for trying Backroom by hand (and for the demo) on a pseudo-terminal: point a scale
// device at the printed port with the same protocol. Type commands to script it:
//   w 0.5 kg · move 3 · unstable · over · under · garbage [n] · drop [n] · late MS · quit
import path from 'node:path';
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { weightUnits, type WeightUnit } from '../../core/devices/model.ts';
import { startScaleSimulator, type ScaleSimulatorProtocol } from './simulator.ts';

const { values } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'mt-sics' },
    link: { type: 'string', default: path.join(os.tmpdir(), 'backroom-scale') },
    weight: { type: 'string', default: '1.234' },
    unit: { type: 'string', default: 'kg' },
  },
});
const protocols: ScaleSimulatorProtocol[] = ['mt-sics', 'toledo-8213'];
const protocol = protocols.find((p) => p === values.protocol);
const isUnit = (u: string | undefined): u is WeightUnit => weightUnits.some((known) => known === u);
if (!protocol) throw new Error(`--protocol is one of ${protocols.join(', ')}`);
if (!isUnit(values.unit)) throw new Error(`--unit is one of ${weightUnits.join(', ')}`);

const running = await startScaleSimulator({
  protocol,
  links: { device: `${values.link}-device`, host: values.link },
});
const sim = running.simulator.setWeight(Number(values.weight), values.unit);
console.log(
  `${protocol} scale on ${running.hostPath} (9600 8N1), weighing ${values.weight} ${values.unit}`,
);
console.log(
  'Commands: w 0.5 kg · move 3 · unstable · over · under · garbage [n] · drop [n] · late MS · quit',
);

const stop = () => void running.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const count = (n: string | undefined) => (n ? Number(n) : 1);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, a, b] = line.trim().split(/\s+/);
  if (command === 'w' && a && (b === undefined || isUnit(b))) sim.setWeight(Number(a), b ?? 'kg');
  else if (command === 'move') sim.moving(count(a));
  else if (command === 'unstable') sim.unstable();
  else if (command === 'over') sim.overRange();
  else if (command === 'under') sim.underZero();
  else if (command === 'garbage') sim.garbage(count(a));
  else if (command === 'drop') sim.dropReplies(count(a));
  else if (command === 'late' && a) sim.delayNextReply(Number(a));
  else if (command === 'quit') return stop();
  else return console.log(`Not a command: ${line}`);
  console.log('ok');
});
