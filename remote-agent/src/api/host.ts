import { Type, type TSchema } from '@sinclair/typebox';
import { ByteCount, commonErrors, Envelope } from './common.ts';
import { endpoint } from './endpoint.ts';

/** A figure the host did not give (no /proc, a file of another shape) is null, not a guess. */
const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const LoadAverage = Type.Object(
  {
    one_minute: Type.Number({ minimum: 0 }),
    five_minutes: Type.Number({ minimum: 0 }),
    fifteen_minutes: Type.Number({ minimum: 0 }),
  },
  { description: 'the kernel\'s load averages (/proc/loadavg): runnable and waiting tasks; compare with cpu_count' },
);

const Memory = Type.Object(
  {
    total_bytes: ByteCount,
    available_bytes: Type.Integer({ minimum: 0, description: 'what can be given to programs without swapping (MemAvailable)' }),
  },
  { description: 'the host\'s memory (/proc/meminfo)' },
);

const Disk = Type.Object(
  {
    path: Type.String({ description: 'the agent\'s data directory' }),
    total_bytes: ByteCount,
    free_bytes: Type.Integer({ minimum: 0, description: 'free blocks, the root-reserved ones included' }),
    available_bytes: Type.Integer({ minimum: 0, description: 'free blocks an unprivileged program may use, as df shows them' }),
  },
  { description: 'the file system that holds the agent\'s data directory (statfs)' },
);

export const HostStatus = Envelope(
  Type.Object({
    uptime_seconds: OrNull(Type.Number({ minimum: 0, description: 'since the host booted (/proc/uptime)' })),
    load_average: OrNull(LoadAverage),
    cpu_count: Type.Integer({ minimum: 0, description: 'logical CPUs the host has' }),
    memory: OrNull(Memory),
    disk: OrNull(Disk),
    xray_version: OrNull(
      Type.String({ description: 'the version number `xray version` printed (26.7.28), asked once per binary; null without an Xray that answers as one' }),
    ),
  }),
);

/**
 * The host's own figures (beyond the spec), read without starting a process, so a console may
 * ask as often as it looks at its fleet.
 */
export const getHostStatus = endpoint({
  method: 'GET',
  path: '/api/system/host',
  tag: 'system',
  summary: 'The host: uptime, load, CPUs, memory, the data directory\'s disk, and the Xray version',
  response: HostStatus,
  errors: commonErrors,
});
