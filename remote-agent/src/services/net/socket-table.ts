import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
const ESTABLISHED = '01';
const LISTEN = '0A';

export interface SocketCounts {
  /** Established TCP connections per local port. */
  established: Map<number, number>;
  listening: Set<number>;
}

/**
 * One read of the kernel's TCP socket table (IPv4 and IPv6) of this network namespace, with no
 * child process: established connections and listening sockets per local port.
 */
export async function readSocketTable(): Promise<SocketCounts> {
  const texts = await Promise.all(TABLES.map((path) => readFile(path, 'utf8').catch(() => '')));
  return countSockets(texts);
}

/** The ports something listens on now (synchronous, for the port allocator). */
export function listeningPortsNow(): Set<number> {
  const texts = TABLES.map((path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  });
  return countSockets(texts).listening;
}

export function countSockets(tables: readonly string[]): SocketCounts {
  const established = new Map<number, number>();
  const listening = new Set<number>();
  for (const entry of tcpEntries(tables)) {
    if (entry.state === ESTABLISHED) established.set(entry.port, (established.get(entry.port) ?? 0) + 1);
    else if (entry.state === LISTEN) listening.add(entry.port);
  }
  return { established, listening };
}

export interface ListeningSocket {
  port: number;
  /** The socket's inode: what a process's /proc/PID/fd entry points at (`socket:[INODE]`). */
  inode: number;
}

/** Every listening TCP socket of this network namespace (IPv4 and IPv6), with its inode. */
export async function readListeningSockets(): Promise<ListeningSocket[]> {
  const texts = await Promise.all(TABLES.map((path) => readFile(path, 'utf8').catch(() => '')));
  return listeningSockets(texts);
}

export function listeningSockets(tables: readonly string[]): ListeningSocket[] {
  return [...tcpEntries(tables)].filter((entry) => entry.state === LISTEN && entry.inode > 0).map(({ port, inode }) => ({ port, inode }));
}

function* tcpEntries(tables: readonly string[]): Generator<{ port: number; state: string; inode: number }> {
  for (const table of tables) {
    for (const line of table.split('\n')) {
      // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode" -> local "0100007F:2711", state "01"
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      if (!local || !state || fields[0] === 'sl') continue;
      yield { port: Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16), state, inode: Number(fields[9] ?? 0) || 0 };
    }
  }
}
