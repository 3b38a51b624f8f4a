import type { DatabaseSync } from 'node:sqlite';
import { CURRENT_DAYS_VIEW } from '../../src/services/store/database.ts';

/**
 * Turns a database of this schema into the shape of before the current days moved onto
 * key_totals: their rows in a today_traffic table, no day columns on key_totals, no view.
 * The old table's DDL is copied here on purpose, not imported: the schema module only knows the
 * new shape, and the migration at open must be tested against what servers really hold.
 */
export function toTodayTrafficShape(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE today_traffic (
      key_id          TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
      day             TEXT NOT NULL,
      rx_bytes        INTEGER NOT NULL DEFAULT 0,
      tx_bytes        INTEGER NOT NULL DEFAULT 0,
      max_connections INTEGER NOT NULL DEFAULT 0,
      sessions        INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (key_id, day)
    ) WITHOUT ROWID;
    INSERT INTO today_traffic SELECT key_id, day, rx_bytes, tx_bytes, max_connections, sessions FROM ${CURRENT_DAYS_VIEW};
    DROP VIEW ${CURRENT_DAYS_VIEW};
    ALTER TABLE key_totals DROP COLUMN day;
    ALTER TABLE key_totals DROP COLUMN day_rx_bytes;
    ALTER TABLE key_totals DROP COLUMN day_tx_bytes;
    ALTER TABLE key_totals DROP COLUMN day_max_connections;
    ALTER TABLE key_totals DROP COLUMN day_sessions;`);
}
