import { findSocketHolders, socketInodesOf, type SocketHolder } from '../net/socket-holders.ts';
import { readListeningSockets } from '../net/socket-table.ts';

export interface PortHolders {
  /** Ports the given Xray process listens on. */
  serving: Set<number>;
  /** Other processes listening on a watched port, by port. */
  others: Map<number, SocketHolder[]>;
}

/**
 * Who listens on the watched ports: the given Xray, or someone else. Xray binds with SO_REUSEPORT,
 * so a second Xray binds the same ports beside the first and the kernel splits connections between
 * them; and a port held by a program without it makes Xray's listen fail. One read of the socket
 * table and of our Xray's fds; every process's fds are read only when some socket is not ours.
 */
export async function findPortHolders(watched: ReadonlySet<number>, xrayPid: number | undefined): Promise<PortHolders> {
  const sockets = (await readListeningSockets()).filter((socket) => watched.has(socket.port));
  const ours = xrayPid === undefined ? new Set<number>() : await socketInodesOf(xrayPid);
  const serving = new Set(sockets.filter((socket) => ours.has(socket.inode)).map((socket) => socket.port));
  const foreign = sockets.filter((socket) => !ours.has(socket.inode));
  const holders = await findSocketHolders(new Set(foreign.map((socket) => socket.inode)));
  const others = new Map<number, SocketHolder[]>();
  for (const socket of foreign) {
    const holder = holders.get(socket.inode);
    if (!holder || holder.pid === xrayPid) continue;
    const list = others.get(socket.port) ?? [];
    if (!list.some((known) => known.pid === holder.pid)) list.push(holder);
    others.set(socket.port, list);
  }
  return { serving, others };
}
