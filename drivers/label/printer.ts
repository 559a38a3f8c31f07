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
  /** How long to wait for ~HS; a printer that says nothing in time counts as connected. */
  statusTimeoutMs?: number;
}

export function createLabelPrinter(
  config: LabelPrinterConfig,
  o: LabelPrinterOptions = {},
): LabelPrinter {
  const target = { host: config.connection.host, port: config.connection.port };
  const size = sizeOf(config);
  const probe = async (): Promise<Probe> => {
    const reply = await exchange(target, HOST_STATUS_REQUEST, statusComplete, {
      ...o,
      replyTimeoutMs: o.statusTimeoutMs ?? 500,
    });
    const problem = statusProblem(reply);
    return problem ? { connected: true, problem } : { connected: true };
  };
  return {
    zpl: (label: Label) => labelZpl(label, size),
    preview: (label: Label) => renderZpl(labelZpl(label, size), size),
    print: async (label: Label, copies: number) => {
      const status = await probe();
      if (status.problem) throw new DeviceError(status.problem.code, status.problem.message);
      await sendJob(target, Buffer.from(labelZpl(label, size, copies), 'utf8'), o);
    },
    probe,
  };
}
