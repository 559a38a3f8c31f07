// Pickup reports to Rx30 become jobs of the pharmacy.rx30 connection in the platform's job
// queue (the relay's link still sends them itself, in order; see core/pharmacy/outbox.ts), so
// they show with the connection's queue and dead letters. What waited moves over, in order.
export default {
  version: 18,
  name: 'rx30_outbox_to_jobs',
  sql: /* sql */ `
INSERT OR IGNORE INTO jobs (connection_id, kind, feature, idempotency_key, payload, state, attempts,
    next_run_at, error_class, error_message, created_at, updated_at)
  SELECT c.id, 'rx30.' || o.type, 'pickups', 'rx30:' || o.message_id, o.message, 'queued', o.attempts,
         o.queued_at, CASE WHEN o.last_error IS NULL THEN NULL ELSE 'network' END, o.last_error,
         o.queued_at, o.queued_at
  FROM rx30_outbox o
  JOIN (SELECT id FROM connections WHERE provider = 'pharmacy.rx30' AND state != 'disconnected'
        ORDER BY id LIMIT 1) c
  WHERE o.state = 'queued'
  ORDER BY o.seq;
DROP TABLE rx30_outbox;
`,
};
