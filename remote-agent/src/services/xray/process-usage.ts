import { readdir, readFile } from 'node:fs/promises';

/** What one process uses now, read from /proc; a field is null when /proc does not say. */
export interface ProcessUsage {
  /** Resident memory (VmRSS). */
  rss_bytes: number | null;
  /** Entries of /proc/PID/fd: Xray holds one per listening inbound and two per proxied connection. */
  open_fds: number | null;
  /** The soft RLIMIT_NOFILE the process runs under: past it, an inbound cannot listen and a connection cannot open. */
  open_files_limit: number | null;
}

export const NO_USAGE: ProcessUsage = { rss_bytes: null, open_fds: null, open_files_limit: null };

/** One read of status, one of limits and one directory listing: no stat per fd, so cheap at 10,000 fds. */
export async function processUsage(pid: number): Promise<ProcessUsage> {
  const [status, fds, limits] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''),
    readdir(`/proc/${pid}/fd`).catch(() => undefined),
    readFile(`/proc/${pid}/limits`, 'utf8').catch(() => ''),
  ]);
  const rssKiB = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  const softLimit = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits)?.[1];
  return {
    rss_bytes: rssKiB === undefined ? null : Number(rssKiB) * 1024,
    open_fds: fds === undefined ? null : fds.length,
    open_files_limit: softLimit === undefined || softLimit === 'unlimited' ? null : Number(softLimit),
  };
}
