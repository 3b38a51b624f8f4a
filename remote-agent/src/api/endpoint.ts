import type { Static, TObject, TSchema } from '@sinclair/typebox';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The media type of an endpoint's raw bytes (binaryBody, binaryResponse). */
export const BINARY_CONTENT_TYPE = 'application/octet-stream';

/**
 * One endpoint of the API: what the agent registers a handler for, what the console's client
 * calls, and what the OpenAPI document prints. `path` is written as Fastify writes it
 * (`/api/keys/:key_id`), each `:name` a field of `params`.
 */
export interface EndpointDefinition {
  method: HttpMethod;
  path: string;
  /** The OpenAPI tag: the area of the API. */
  tag: string;
  summary: string;
  params?: TObject;
  querystring?: TObject;
  body?: TSchema;
  /** The success answer (200 unless `successStatus` says otherwise). */
  response: TSchema;
  /** 201 for an endpoint that creates what it answers with. */
  successStatus?: 201;
  /** A body limit above the agent's default, for an endpoint whose body may be large. */
  bodyLimitBytes?: number;
  /** The body is raw bytes (application/octet-stream), handed to the handler as a stream, not JSON. */
  binaryBody?: true;
  /** The success answer is raw bytes (application/octet-stream) the handler streams, not JSON. */
  binaryResponse?: true;
  /**
   * The success answer written by JSON.stringify instead of the serialiser compiled from its
   * schema, which takes 300-600 ms for a page of 100,000 daily rows against JSON.stringify's 50:
   * only for a handler that builds its answer in exactly the schema's shape (nothing to drop).
   */
  plainJson?: true;
  /** Every other answer the endpoint gives, by HTTP status. */
  errors: Readonly<Record<number, TSchema>>;
  /** Served, but left out of the OpenAPI document (the document itself). */
  hidden?: true;
}

/** Checks a definition's shape and keeps its literal types (method, path, schemas). */
export const endpoint = <const E extends EndpointDefinition>(definition: E): E => definition;

type StaticOf<S> = S extends TSchema ? Static<S> : undefined;

export type ParamsOf<E extends EndpointDefinition> = StaticOf<E['params']>;
export type QueryOf<E extends EndpointDefinition> = StaticOf<E['querystring']>;
/** A binary body arrives, and is sent, as a stream of chunks. */
export type BodyOf<E extends EndpointDefinition> = E['binaryBody'] extends true ? AsyncIterable<Uint8Array> : StaticOf<E['body']>;
/** The success answer's type. */
export type ResponseOf<E extends EndpointDefinition> = Static<E['response']>;

/**
 * The request target a client sends for an endpoint: each `:name` of its path replaced by that
 * param, percent-encoded, then the query's given values (left-out ones are not sent).
 */
export function endpointUrl(
  definition: EndpointDefinition,
  params: Readonly<Record<string, string | number>> = {},
  query: Readonly<Record<string, string | number | boolean | undefined>> = {},
): string {
  const path = definition.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${definition.method} ${definition.path} needs the param ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}
