// npm run sim:webhook-sink -- [--port 4880] [--secret S] [--tolerance 300]
// A webhook receiver for trying Backroom's signed webhooks by hand (and for the demo).
// Point a "Signed webhooks" connection at the printed address with the same secret.
// GET /_sink/stats shows what it accepted; POST /_sink/fault {"kind":"status","status":503}
// makes it fail ({"kind":"none"} heals it).
import { parseArgs } from 'node:util';
import { startWebhookSink } from './sink.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4880' },
    secret: { type: 'string', default: 'demo-signing-secret-change-me-0123456789' },
    tolerance: { type: 'string', default: '300' },
  },
});
const sink = await startWebhookSink({
  secret: values.secret,
  port: Number(values.port),
  toleranceSeconds: Number(values.tolerance),
});
console.log(`Webhook sink listening on ${sink.url} (secret: ${values.secret})`);
const stop = () => void sink.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
