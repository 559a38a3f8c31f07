// Serial keys on the normalized text (issue 14 §4). Until now a serial's uniqueness key was
// the serial without spaces, upper case: "ZW123", "ZW\u200B123" (a zero-width space) and the
// full-width "ＺＷ１２３" were three serials, so three open pistols of one maker could carry
// what prints as one serial (27 CFR 478.125(e): each firearm once in the book). New keys are
// NFKC, without control, format or private-use characters; this recomputes the stored ones.
//
// SQLite cannot normalize Unicode, so the work is in `run`. Only keys with a character
// outside printable ASCII can change (NFKC leaves printable ASCII as it is). Where the new
// key makes two firearms in the store one serial of one maker and type, the later one keeps
// its old key (the index allows one open item per key) and is put on hold for review, with
// the reason: a manager opens both entries and corrects the serial that was entered wrong.
// The key function is copied here, frozen: a later change to serialKey must not change what
// this migration did.
import type Database from 'better-sqlite3-multiple-ciphers';

const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;
const keyOf = (serial: string) =>
  serial
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    .replace(HIDDEN, '')
    .replace(/\s+/g, '')
    .toUpperCase();

function run(db: Database.Database): void {
  const rows = db
    .prepare(
      `SELECT id, serial, serial_key AS key, manufacturer_key AS maker, type, status, hold
       FROM firearm_items
       -- Outside printable ASCII; the byte length also catches a NUL, where GLOB stops reading.
       WHERE serial GLOB '*[^ -~]*' OR length(CAST(serial AS BLOB)) != length(serial) ORDER BY id`,
    )
    .all() as {
    id: number;
    serial: string;
    key: string;
    maker: string;
    type: string;
    status: string;
    hold: string | null;
  }[];
  const clash = db.prepare(
    `SELECT id FROM firearm_items
     WHERE manufacturer_key = ? AND serial_key = ? AND type = ? AND status != 'disposed' AND id != ?`,
  );
  const rekey = db.prepare('UPDATE firearm_items SET serial_key = ? WHERE id = ?');
  const hold = db.prepare("UPDATE firearm_items SET hold = 'held', hold_reason = ? WHERE id = ?");
  for (const r of rows) {
    const key = keyOf(r.serial);
    if (key === r.key) continue;
    const other =
      r.status === 'disposed'
        ? undefined
        : (clash.get(r.maker, key, r.type, r.id) as { id: number } | undefined);
    if (!other) {
      rekey.run(key, r.id);
      continue;
    }
    if (!r.hold)
      hold.run(
        `Serial "${r.serial}" is the serial of firearm ${other.id} once hidden or full-width characters are set aside: check both entries and correct the serial entered wrong.`,
        r.id,
      );
  }
}

export default {
  version: 23,
  name: 'serial_keys_nfkc',
  sql: '-- Serial keys are recomputed in run() (SQLite has no Unicode normalization).',
  run,
};
