import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AgentContext } from './agent-context.ts';
import { installApiKeyAuth } from './http/api-key-auth.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { validatorCompiler } from './http/validation.ts';
import { historyRoutes } from './routes/history/index.ts';
import { keysRoutes } from './routes/keys/index.ts';
import { monthlyRoutes } from './routes/monthly/index.ts';
import { systemRoutes } from './routes/system/index.ts';
import { trafficRoutes } from './routes/traffic/index.ts';

export const API_VERSION = '2.1.3';
const BODY_LIMIT_BYTES = 16 * 1024;

export interface AppOptions {
  ctx: AgentContext;
  apiKey: string;
  logger?: FastifyBaseLogger | boolean;
}

/** Builds the agent's HTTP API (routes, validation, auth, errors, OpenAPI); never listens. */
export async function buildApp({ ctx, apiKey, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof logger === 'boolean' ? { logger } : { loggerInstance: logger }),
    bodyLimit: BODY_LIMIT_BYTES,
    // A console polls through the tunnel; a log line per request would fill the disk, not inform.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandler(app);
  installApiKeyAuth(app, apiKey);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Keyport agent API', version: API_VERSION },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      security: [{ apiKey: [] }],
    },
  });

  for (const routes of [keysRoutes, trafficRoutes, historyRoutes, monthlyRoutes, systemRoutes]) {
    await app.register(routes, { ctx });
  }
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
