import { DatabaseSync } from 'node:sqlite';
import { SNAPSHOT_REALITY_TABLE } from '../../api/backup.ts';
import { badRequest, conflict } from '../../lib/http-error.ts';
import { publicKeyOf, type RealityKeys } from '../xray/reality-keys.ts';
import { checkIntegrity, CURRENT_DAYS_VIEW, DatabaseDamagedError, inTransaction, openDatabase, REQUIRED_TABLES } from './database.ts';
import type { PortRange } from './key-store.ts';

/** A snapshot found sound: its keys (id, name, port, oldest first) and its Reality keys. */
export interface CheckedSnapshot {
  path: string;
  keys: Array<{ id: string; name: string; port: number }>;
  realityKeys: RealityKeys;
  dailyRows: number;
}

export interface PortAssignment {
  keyId: string;
  keyName: string;
  oldPort: number;
  newPort: number;
}

const SHORT_ID = /^(?:[0-9a-f]{2}){0,8}$/;
const damaged = (finding: string) => badRequest(`the snapshot is damaged or not a database (${finding}); nothing was changed`, { reason: 'snapshot_damaged' });
const notOurs = (why: string) => badRequest(`the snapshot is not a Keyport server snapshot (${why}); nothing was changed`, { reason: 'not_a_snapshot' });

/**
 * Checks a snapshot file received for a restore (quick_check, foreign keys, our tables, sound
 * Reality keys) and brings its schema up to this agent's (the file is our own copy): 400 saying
 * what is wrong otherwise.
 */
export function checkSnapshot(path: string): CheckedSnapshot {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (error) {
    throw damaged((error as Error).message);
  }
  try {
    checkIntegrity(db, path);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name));
    const missing = [...REQUIRED_TABLES, SNAPSHOT_REALITY_TABLE].filter((table) => !tables.has(table));
    if (missing.length > 0) throw notOurs(`no table ${missing.join(', ')}`);
    if (db.prepare('PRAGMA foreign_key_check').all().length > 0) throw damaged('rows of keys that are not in it');
  } catch (error) {
    db.close();
    if (error instanceof DatabaseDamagedError) throw damaged(error.finding);
    throw error;
  }
  db.close();
  // Older agents' snapshots lack columns (limits, name keys): added with their defaults, as at an agent's start.
  const upgraded = openDatabase(path);
  try {
    const realityRows = upgraded.prepare(`SELECT private_key, public_key, short_ids FROM ${SNAPSHOT_REALITY_TABLE}`).all() as Array<{
      private_key: string;
      public_key: string;
      short_ids: string;
    }>;
    return {
      path,
      keys: upgraded.prepare('SELECT id, name, port FROM keys ORDER BY created_at_ms, rowid').all() as CheckedSnapshot['keys'],
      realityKeys: checkedRealityKeys(realityRows),
      dailyRows: Number((upgraded.prepare(`SELECT (SELECT COUNT(*) FROM daily_traffic) + (SELECT COUNT(*) FROM ${CURRENT_DAYS_VIEW}) AS n`).get() as { n: number }).n),
    };
  } finally {
    upgraded.close();
  }
}

function checkedRealityKeys(rows: ReadonlyArray<{ private_key: string; public_key: string; short_ids: string }>): RealityKeys {
  if (rows.length !== 1) throw notOurs(`${rows.length} rows of Reality keys`);
  const [row] = rows as [(typeof rows)[number]];
  let shortIds: unknown;
  try {
    shortIds = JSON.parse(row.short_ids);
  } catch {
    shortIds = undefined;
  }
  const shortIdsOk = Array.isArray(shortIds) && shortIds.length > 0 && shortIds.every((id) => typeof id === 'string' && SHORT_ID.test(id));
  if (!shortIdsOk || publicKeyOf(row.private_key) !== row.public_key) throw notOurs('its Reality keys are not a sound x25519 pair with short ids');
  return { privateKey: row.private_key, publicKey: row.public_key, shortIds: shortIds as string[] };
}

/**
 * Each key's port on this server: its own where that is in `range` and nothing listens there,
 * otherwise the lowest port of the range left free. 409 ports_exhausted when the range is too small.
 */
export function assignPorts(keys: CheckedSnapshot['keys'], range: PortRange, isPortBusy: (port: number) => boolean): PortAssignment[] {
  const taken = new Set<number>();
  const keeps = (port: number) => port >= range.from && port <= range.to && !isPortBusy(port) && !taken.has(port);
  const kept = new Set<string>();
  for (const key of keys) {
    if (!keeps(key.port)) continue;
    taken.add(key.port);
    kept.add(key.id);
  }
  let next = range.from;
  return keys.map((key) => {
    if (kept.has(key.id)) return { keyId: key.id, keyName: key.name, oldPort: key.port, newPort: key.port };
    while (next <= range.to && !keeps(next)) next += 1;
    if (next > range.to) {
      throw conflict(`the snapshot's ${keys.length} keys need ${keys.length} free ports; the range ${range.from}-${range.to} has too few; nothing was changed`, {
        reason: 'ports_exhausted',
      });
    }
    taken.add(next);
    return { keyId: key.id, keyName: key.name, oldPort: key.port, newPort: next };
  });
}

const columnsOf = (db: DatabaseSync, schema: string, table: string) =>
  (db.prepare(`PRAGMA ${schema}.table_info(${table})`).all() as Array<{ name: string }>).map((column) => column.name);

/**
 * Copies the snapshot's keys (on their assigned ports), totals, daily history and settings (but the link host) into
 * the live database (with their subscription tokens and bundles) in one transaction, then runs `lastStep` inside it: anything failing leaves
 * the database as it was. Columns both sides have are copied, so a snapshot of an agent with more
 * or fewer columns restores what they share. Not copied: raw samples (kept 48 h, for the live
 * views) and firewall counter baselines, which belong to the other server's kernel.
 */
export function copySnapshotIn(db: DatabaseSync, snapshot: CheckedSnapshot, ports: readonly PortAssignment[], lastStep: () => void): void {
  db.prepare('ATTACH DATABASE ? AS restored').run(snapshot.path);
  try {
    inTransaction(db, () => {
      const shared = (table: string, except: readonly string[] = []) => {
        const theirs = new Set(columnsOf(db, 'restored', table));
        return columnsOf(db, 'main', table).filter((column) => theirs.has(column) && !except.includes(column));
      };
      const list = (columns: readonly string[], prefix = '') => columns.map((column) => `${prefix}"${column}"`).join(', ');
      db.exec('CREATE TEMP TABLE restore_ports (key_id TEXT PRIMARY KEY, port INTEGER NOT NULL)');
      const addPort = db.prepare('INSERT INTO temp.restore_ports VALUES (?, ?)');
      for (const port of ports) addPort.run(port.keyId, port.newPort);
      const keyColumns = shared('keys', ['port']);
      db.exec(`INSERT INTO main.keys (${list(keyColumns)}, port)
               SELECT ${list(keyColumns, 'k.')}, p.port FROM restored.keys k JOIN temp.restore_ports p ON p.key_id = k.id`);
      // The totals bring each key's current day (the check upgraded the snapshot to this schema).
      const totals = shared('key_totals', ['samples_through_cycle']);
      db.exec(`INSERT INTO main.key_totals (${list(totals)}) SELECT ${list(totals)} FROM restored.key_totals`);
      const days = shared('daily_traffic');
      db.exec(`INSERT INTO main.daily_traffic (${list(days)}) SELECT ${list(days)} FROM restored.daily_traffic`);
      // Subscription tokens and bundles: a server replaced under the same name keeps its people's
      // subscription URLs. A snapshot from before subscriptions has none; its keys get new tokens.
      const subscriptionColumns = shared('key_subscriptions');
      if (subscriptionColumns.length > 0) {
        db.exec(`INSERT INTO main.key_subscriptions (${list(subscriptionColumns)}) SELECT ${list(subscriptionColumns)} FROM restored.key_subscriptions`);
      }
      // Only settings this agent knows (it stored every one at its start): another version's extra names stay out.
      // The link host names where the other server was reached: this one keeps its own.
      db.exec(`INSERT OR REPLACE INTO main.settings (name, value)
               SELECT name, value FROM restored.settings WHERE name IN (SELECT name FROM main.settings) AND name <> 'link_host'`);
      db.exec('DROP TABLE temp.restore_ports');
      lastStep();
    });
  } finally {
    db.exec('DETACH DATABASE restored');
  }
}
