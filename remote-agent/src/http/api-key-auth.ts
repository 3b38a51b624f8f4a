import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Every route, known or not, needs the X-API-Key header; compared in constant time. */
export function installApiKeyAuth(app: FastifyInstance, apiKey: string): void {
  const expected = digest(apiKey);
  app.addHook('onRequest', async (request, reply) => {
    const given = request.headers['x-api-key'];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      return reply.code(401).send({ status: 'error', detail: 'missing or wrong X-API-Key header' });
    }
  });
}
