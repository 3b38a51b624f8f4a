import { readFile, statfs } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { ResponseOf } from '../../api/endpoint.ts';
import type { getHostStatus } from '../../api/host.ts';
import { xrayVersionSupport } from '../../api/xray-version-support.ts';

export type HostFiguresJson = ResponseOf<typeof getHostStatus>['data'];

export interface HostFiguresOptions {
  /** The directory whose file system's size and free space are reported. */
  dataDir: string;
  /** `xray version`'s first line, asked once per binary (XrayCli.knownVersion); undefined without an Xray. */
  xrayVersion: () => Promise<string | undefined>;
  /** Where the kernel's files are; a test points it at its own copies. */
  procDir?: string;
}

/**
 * The host's uptime, load, CPUs, memory and the data directory's disk, read from /proc and one
 * statfs: no child process, so it costs a few file reads however often a console asks.
 */
export class HostFigures {
  readonly #options: HostFiguresOptions;

  constructor(options: HostFiguresOptions) {
    this.#options = options;
  }

  async read(): Promise<HostFiguresJson> {
    const { dataDir, procDir = '/proc' } = this.#options;
    const text = (name: string) => readFile(`${procDir}/${name}`, 'utf8').catch(() => '');
    const [uptime, loadavg, meminfo, disk, xrayVersion] = await Promise.all([
      text('uptime'),
      text('loadavg'),
      text('meminfo'),
      statfs(dataDir).catch(() => undefined),
      this.#options.xrayVersion().catch(() => undefined),
    ]);
    return {
      uptime_seconds: parseUptime(uptime),
      load_average: parseLoadAverage(loadavg),
      cpu_count: cpus().length,
      memory: parseMeminfo(meminfo),
      disk: disk
        ? { path: dataDir, total_bytes: disk.blocks * disk.bsize, free_bytes: disk.bfree * disk.bsize, available_bytes: disk.bavail * disk.bsize }
        : null,
      xray_version: xrayVersionSupport(xrayVersion).version,
    };
  }
}

const nonNegative = (value: number) => Number.isFinite(value) && value >= 0;

/** /proc/uptime: `12345.67 23456.78`, seconds since boot then idle time summed over CPUs. */
export function parseUptime(text: string): number | null {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  return text.trim() !== '' && nonNegative(seconds) ? seconds : null;
}

/** /proc/loadavg: `0.42 0.30 0.25 1/123 4567`, the 1, 5 and 15 minute averages first. */
export function parseLoadAverage(text: string): HostFiguresJson['load_average'] {
  const [one, five, fifteen] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (one === undefined || five === undefined || fifteen === undefined || ![one, five, fifteen].every(nonNegative)) return null;
  return { one_minute: one, five_minutes: five, fifteen_minutes: fifteen };
}

/** /proc/meminfo's `MemTotal:` and `MemAvailable:` lines (kB, which the kernel means as KiB). */
export function parseMeminfo(text: string): HostFiguresJson['memory'] {
  const kib = (field: string) => {
    const value = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1];
    return value === undefined ? undefined : Number(value) * 1024;
  };
  const total = kib('MemTotal');
  const available = kib('MemAvailable');
  return total === undefined || available === undefined ? null : { total_bytes: total, available_bytes: available };
}
