import { Readable } from 'node:stream';
import { BINARY_CONTENT_TYPE } from '../api/endpoint.ts';
import { HttpError } from '../lib/http-error.ts';

/** A binaryBody route's body as the stream of its bytes; 415 when it came as anything else. */
export function binaryBodyOf(body: unknown, what: string): Readable {
  // Without a Content-Type of raw bytes, Fastify hands over a parsed body (or none).
  if (!(body instanceof Readable)) throw new HttpError(415, `the request body must be ${what} sent as ${BINARY_CONTENT_TYPE}`);
  return body;
}
