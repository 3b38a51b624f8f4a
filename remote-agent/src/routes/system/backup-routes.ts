import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { getDailyBackup, getServerSnapshot, listDailyBackups, restoreServer } from '../../api/backup.ts';
import { BINARY_CONTENT_TYPE } from '../../api/endpoint.ts';
import { route } from '../../http/route.ts';
import { HttpError } from '../../lib/http-error.ts';
import { formatTimestamp } from '../../lib/timestamps.ts';
import { envelope } from '../../presenters/traffic-json.ts';

/** The system area's backups: snapshots of the server out, daily backups listed and fetched, a snapshot restored. */
export function backupRoutes(app: FastifyInstance, ctx: AgentContext): void {
  route(app, getServerSnapshot, () => ctx.backups.snapshot());

  route(app, listDailyBackups, async () => {
    const backups = await ctx.backups.daily();
    return envelope(
      { backups: backups.map((backup) => ({ name: backup.name, taken_at: formatTimestamp(backup.takenAtMs), size_bytes: backup.sizeBytes })) },
      ctx.now(),
    );
  });

  route(app, getDailyBackup, ({ params }) => ctx.backups.dailySnapshot(params.name));

  route(app, restoreServer, async ({ body }) => {
    // Without a Content-Type of raw bytes, Fastify hands over a parsed body (or none).
    if (typeof body !== 'object' || body === null || !(Symbol.asyncIterator in body)) {
      throw new HttpError(415, `the request body must be a server snapshot sent as ${BINARY_CONTENT_TYPE}`);
    }
    const outcome = await ctx.backups.restore(body);
    return envelope(
      {
        keys_restored: outcome.keysRestored,
        daily_rows_restored: outcome.dailyRowsRestored,
        ports_moved: outcome.portsMoved.map((move) => ({ key_id: move.keyId, key_name: move.keyName, old_port: move.oldPort, new_port: move.newPort })),
        xray: outcome.xray,
      },
      ctx.now(),
    );
  });
}
