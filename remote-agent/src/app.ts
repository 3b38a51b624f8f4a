import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AgentContext } from './agent-context.ts';
import { API_KEY_HEADER } from './api/auth.ts';
import { BINARY_CONTENT_TYPE } from './api/endpoint.ts';
import { HttpError } from './lib/http-error.ts';
import { getOpenApiDocument } from './api/openapi.ts';
import { API_VERSION } from './api/version.ts';
import { installApiKeyAuth } from './http/api-key-auth.ts';
import type { Logger } from './lib/logger.ts';
import { connectionLimits } from './http/connection-limits.ts';
import { frameworkErrors, installErrorHandler } from './http/error-handler.ts';
import { route, type BinaryBodyConfig } from './http/route.ts';
import { validatorCompiler } from './http/validation.ts';
import { historyRoutes } from './routes/history/index.ts';
import { keysRoutes } from './routes/keys/index.ts';
import { monthlyRoutes } from './routes/monthly/index.ts';
import { settingsRoutes } from './routes/settings/index.ts';
import { subscriptionsRoutes } from './routes/subscriptions/index.ts';
import { systemRoutes } from './routes/system/index.ts';
import { trafficRoutes } from './routes/traffic/index.ts';

const BODY_LIMIT_BYTES = 16 * 1024;

export interface AppOptions {
  ctx: AgentContext;
  apiKey: string;
  /** Where real faults (5xx) are logged; requests themselves are not. */
  log: Logger;
  /** How long a request's head and body may take to arrive (a default suits SSH tunnels). */
  requestTimeoutMs?: number;
  /** Named in the 507 a full disk answers. */
  dataDir?: string;
}

// Node refuses request heads over 16 KiB (431) before routing, so no id can be longer than this.
const MAX_PARAM_LENGTH = 16 * 1024;

/** Builds the agent's HTTP API (routes, validation, auth, errors, OpenAPI); never listens. */
export async function buildApp({ ctx, apiKey, log, requestTimeoutMs, dataDir }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // No request logging: a console polls through the tunnel, and a logger per request costs
    // throughput. Faults go to `log` from the error handler.
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Key ids are opaque text to clients: a long one must reach the route and get "Key ... not
    // found", not fall past the router (whose default limit is 100).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    ...connectionLimits(requestTimeoutMs),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandler(app, log, dataDir);
  installApiKeyAuth(app, apiKey);
  // Raw bytes reach only the routes defined to take them, as the stream itself (never buffered):
  // the route counts them, and a length announced past its limit is refused before any is read.
  app.addContentTypeParser(BINARY_CONTENT_TYPE, (request, payload, done) => {
    const { config, bodyLimit } = request.routeOptions;
    if (!(config as BinaryBodyConfig).binaryBody) done(new HttpError(415, 'the request body must be application/json'), undefined);
    else if (Number(request.headers['content-length']) > bodyLimit) done(new HttpError(413, `the request body may be at most ${bodyLimit} bytes`), undefined);
    else done(null, payload);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Keyport agent API', version: API_VERSION },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: API_KEY_HEADER } } },
      security: [{ apiKey: [] }],
    },
  });

  for (const routes of [keysRoutes, subscriptionsRoutes, trafficRoutes, historyRoutes, monthlyRoutes, systemRoutes, settingsRoutes]) {
    await app.register(routes, { ctx });
  }
  route(app, getOpenApiDocument, () => app.swagger() as unknown as Record<string, unknown>);
  return app;
}
