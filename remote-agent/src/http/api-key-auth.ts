import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { API_KEY_HEADER } from '../api/auth.ts';

// Node gives header names in lower case.
const HEADER = API_KEY_HEADER.toLowerCase();

/**
 * Every route, known or not, needs the X-API-Key header, compared in constant time. Only the
 * key's length can show through timing, and that is no secret (generated keys are all 43 long);
 * hashing both sides instead would cost a quarter of the API's throughput.
 */
export function installApiKeyAuth(app: FastifyInstance, apiKey: string): void {
  const expected = Buffer.from(apiKey);
  app.addHook('onRequest', (request, reply, done) => {
    const header = request.headers[HEADER];
    const given = typeof header === 'string' ? Buffer.from(header) : undefined;
    if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      reply.code(401).send({ status: 'error', detail: 'missing or wrong X-API-Key header' });
      return;
    }
    done();
  });
}
