import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { createRestoreUpload, deleteRestoreUpload, getRestoreUpload, putRestoreUploadChunk, restoreFromUpload } from '../../api/restore-uploads.ts';
import { binaryBodyOf } from '../../http/binary-body.ts';
import { route } from '../../http/route.ts';
import { formatTimestamp } from '../../lib/timestamps.ts';
import { restoreResultJson, uploadStateJson } from '../../presenters/restore-json.ts';

/** The system area's chunked snapshot uploads for a restore: begun, asked after, fed, restored, discarded. */
export function restoreUploadRoutes(app: FastifyInstance, ctx: AgentContext): void {
  const uploads = ctx.restoreUploads;

  route(app, createRestoreUpload, async ({ body }) => uploadStateJson(await uploads.create(body.size_bytes, body.sha256), ctx.now()));

  route(app, getRestoreUpload, ({ params }) => uploadStateJson(uploads.status(params.upload_id), ctx.now()));

  route(app, putRestoreUploadChunk, async ({ params, query, body }) =>
    uploadStateJson(await uploads.write(params.upload_id, query.offset, binaryBodyOf(body, 'a chunk of the snapshot')), ctx.now()),
  );

  route(app, restoreFromUpload, async ({ params }) => restoreResultJson(await uploads.restore(params.upload_id), ctx.now()));

  route(app, deleteRestoreUpload, async ({ params }) => {
    await uploads.discard(params.upload_id);
    return { status: 'success' as const, message: `Upload ${params.upload_id} discarded`, timestamp: formatTimestamp(ctx.now()) };
  });
}
