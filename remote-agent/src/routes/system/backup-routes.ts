import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { getDailyBackup, getServerSnapshot, listDailyBackups, restoreServer } from '../../api/backup.ts';
import { route } from '../../http/route.ts';
import { binaryBodyOf } from '../../http/binary-body.ts';
import { formatTimestamp } from '../../lib/timestamps.ts';
import { restoreResultJson } from '../../presenters/restore-json.ts';
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

  route(app, restoreServer, async ({ body }) => restoreResultJson(await ctx.backups.restore(binaryBodyOf(body, 'a server snapshot')), ctx.now()));
}
