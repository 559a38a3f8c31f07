// Whether the store is online, for what must not happen offline (card tenders: no
// store-and-forward). Checked by opening a TCP connection to a well-known address every
// half minute; a store with no route out is offline, which is the safe answer.
import net from 'node:net';

export class NetworkStatus {
  private onlineNow = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly target: { host: string; port: number };
  private readonly everyMs: number;

  constructor(o: { host?: string; port?: number; everyMs?: number } = {}) {
    this.target = { host: o.host ?? '1.1.1.1', port: o.port ?? 443 };
    this.everyMs = o.everyMs ?? 30_000;
  }

  online(): boolean {
    return this.onlineNow;
  }

  /** One check now: resolves with the answer (and keeps it). */
  check(timeoutMs = 3_000): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.target);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        this.onlineNow = ok;
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }

  start(): void {
    const tick = () => {
      void this.check().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.everyMs);
      });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
