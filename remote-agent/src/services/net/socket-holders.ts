import { readdir, readFile, readlink } from 'node:fs/promises';

export interface SocketHolder {
  pid: number;
  /** The process's command line, arguments joined by spaces. */
  command: string;
}

/** The socket inodes one process holds open. */
export async function socketInodesOf(pid: number): Promise<Set<number>> {
  const inodes = new Set<number>();
  const dir = `/proc/${pid}/fd`;
  const fds = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    fds.map(async (fd) => {
      const inode = socketInode(await readlink(`${dir}/${fd}`).catch(() => ''));
      if (inode !== undefined) inodes.add(inode);
    }),
  );
  return inodes;
}

/**
 * Which processes hold the given socket inodes: one pass over /proc. Only run when a socket is
 * not our own Xray's, so the usual status read costs one process's fd list, not every process's.
 */
export async function findSocketHolders(inodes: ReadonlySet<number>): Promise<Map<number, SocketHolder>> {
  const holders = new Map<number, SocketHolder>();
  if (inodes.size === 0) return holders;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).map(Number);
  for (const pid of pids) {
    const held = [...(await socketInodesOf(pid))].filter((inode) => inodes.has(inode));
    if (held.length === 0) continue;
    const command = await commandLineOf(pid);
    for (const inode of held) holders.set(inode, { pid, command });
  }
  return holders;
}

export async function commandLineOf(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0').filter(Boolean).join(' ');
}

function socketInode(link: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : undefined;
}
