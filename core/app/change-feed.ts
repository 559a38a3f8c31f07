import { EventEmitter } from 'node:events';

/** Every change worth showing is audited, so one topic tells screens to refresh. */
export type ChangeTopic = 'audit';

/**
 * Tells open screens that something changed so they refresh. Topics raised during a
 * transaction are sent once, after the current synchronous work (and so after the commit).
 */
export class ChangeFeed {
  readonly emitter = new EventEmitter();
  private pending = new Set<ChangeTopic>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  raise(topic: ChangeTopic): void {
    if (this.pending.size === 0) {
      queueMicrotask(() => {
        const topics = [...this.pending];
        this.pending = new Set();
        for (const t of topics) this.emitter.emit('change', t);
      });
    }
    this.pending.add(topic);
  }
}
