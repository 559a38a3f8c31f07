// The label printer driver: ZPL over raw TCP (port 9100). Before a print it asks for the host
// status, so "out of labels" or "head open" is said to the clerk rather than the job waiting
// inside the printer.
import type { Label, LabelPrinterConfig } from '../../core/devices/model.ts';
import { DeviceError, type LabelPrinter, type Probe } from '../../core/devices/ports.ts';
import { exchange, sendJob, type TcpOptions } from '../net/tcp.ts';
import { renderZpl } from './preview.ts';
import { HOST_STATUS_REQUEST, statusComplete, statusProblem } from './status.ts';
import { labelZpl, sizeOf } from './zpl.ts';

export interface LabelPrinterOptions extends TcpOptions {
  /** How long to wait for the ~HS reply; a printer that says nothing in time counts as connected. */
  statusTimeoutMs?: number;
}

/** Problems a job would only wait behind inside the printer: refused before sending. */
const refusing = new Set(['paper_out', 'cover_open', 'offline']);

export function createLabelPrinter(
  config: LabelPrinterConfig,
  o: LabelPrinterOptions = {},
): LabelPrinter {
  const target = { host: config.connection.host, port: config.connection.port };
  const size = sizeOf(config);

  const probe = async (): Promise<Probe> => {
    let reply: Buffer;
    try {
      reply = await exchange(target, HOST_STATUS_REQUEST, statusComplete, {
        ...o,
        replyTimeoutMs: o.statusTimeoutMs ?? 500,
      });
    } catch (error) {
      if (!(error instanceof DeviceError)) throw error;
      return { connected: false, problem: { code: error.code, message: error.message } };
    }
    // Silence is not a fault: some printers and firmware do not answer ~HS (see status.ts).
    if (reply.length === 0) return { connected: true };
    const problem = statusProblem(reply);
    if (problem === undefined) {
      const message = `The device at ${target.host}:${target.port} answered, but not as a Zebra (ZPL) printer. Check the address and port.`;
      return { connected: true, problem: { code: 'garbled', message } };
    }
    return problem ? { connected: true, problem } : { connected: true };
  };

  return {
    zpl: (label: Label) => labelZpl(label, size),
    preview: (label: Label) => renderZpl(labelZpl(label, size), size),
    print: async (label: Label, copies: number) => {
      const zpl = labelZpl(label, size, copies);
      const status = await probe();
      if (status.problem && refusing.has(status.problem.code))
        throw new DeviceError(status.problem.code, status.problem.message);
      await sendJob(target, Buffer.from(zpl, 'utf8'), o);
    },
    probe,
  };
}
