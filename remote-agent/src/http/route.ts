import type { FastifyInstance, FastifyReply, FastifySchema, RouteHandlerMethod } from 'fastify';
import { BINARY_CONTENT_TYPE, type BodyOf, type EndpointDefinition, type ParamsOf, type QueryOf, type ResponseOf } from '../api/endpoint.ts';
import { writePlainJson } from './raw-json.ts';

/** What a handler sees of a request: the parts its definition validated, typed from its schemas. */
export interface EndpointRequest<E extends EndpointDefinition> {
  params: ParamsOf<E>;
  query: QueryOf<E>;
  body: BodyOf<E>;
}

/** A binary answer is a stream of its bytes (a file's read stream, say). */
type AnswerOf<E extends EndpointDefinition> = E['binaryResponse'] extends true ? AsyncIterable<Uint8Array> : ResponseOf<E>;

export type EndpointHandler<E extends EndpointDefinition> = (request: EndpointRequest<E>) => AnswerOf<E> | Promise<AnswerOf<E>>;

/** The route config that lets the binary body parser (app.ts) hand a route its raw body. */
export interface BinaryBodyConfig {
  binaryBody?: true;
}

// Any instance: plugins receive theirs with the type provider of the app that registered them.
type AnyFastify = FastifyInstance<any, any, any, any, any>;

/**
 * Serves one endpoint of the published API (remote-agent/src/api/): its method, path and schemas
 * (validation, the answer's serialisation and the OpenAPI entry) all come from the definition, so
 * the handler's types cannot disagree with what clients are told.
 */
export function route<E extends EndpointDefinition>(app: AnyFastify, definition: E, handler: EndpointHandler<E>): void {
  const { successStatus, binaryResponse } = definition;
  const plain = successStatus === undefined && !definition.plainJson && !binaryResponse;
  app.route({
    method: definition.method,
    url: definition.path,
    schema: endpointSchema(definition),
    ...(definition.bodyLimitBytes !== undefined && { bodyLimit: definition.bodyLimitBytes }),
    ...(definition.binaryBody && { config: { binaryBody: true } satisfies BinaryBodyConfig as object }),
    // Fastify calls it with the request it validated against these schemas, and the reply.
    handler: (plain
      ? handler
      : async (request: EndpointRequest<E>, reply: FastifyReply) => {
          const answer = await handler(request);
          if (successStatus !== undefined) void reply.code(successStatus);
          // Only this answer: an error thrown above is still written by its own schema.
          if (definition.plainJson) void reply.serializer(writePlainJson);
          if (binaryResponse) void reply.type(BINARY_CONTENT_TYPE);
          return answer;
        }) as unknown as RouteHandlerMethod,
  });
}

function endpointSchema({ tag, summary, params, querystring, body, response, successStatus, errors, hidden }: EndpointDefinition): FastifySchema {
  // The OpenAPI document describes itself by no schema: it is OpenAPI's own shape.
  if (hidden) return { hide: true } as FastifySchema;
  return {
    tags: [tag],
    summary,
    ...(params && { params }),
    ...(querystring && { querystring }),
    ...(body && { body }),
    response: { [successStatus ?? 200]: response, ...errors },
  } as FastifySchema;
}
