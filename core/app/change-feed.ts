import { EventEmitter } from 'node:events';

/**
 * Most changes worth showing are audited ('audit'); integration deliveries are not (the sync
 * log records them), nor are device health, print jobs and prescriptions arriving from Rx30,
 * so they have topics of their own.
 */
export type ChangeTopic = 'audit' | 'integrations' | 'devices' | 'pharmacy';

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
