import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDiskFull } from '../lib/disk-full.ts';
import { HttpError } from '../lib/http-error.ts';
import type { Logger } from '../lib/logger.ts';
import { bundleFieldFacts } from './bundle-field-facts.ts';
import { limitFieldFacts } from './limit-field-facts.ts';
import { describeValidationError } from './validation.ts';

const CONTEXT_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path' };

const FRAMEWORK_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the request body is empty but its Content-Type says JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'the request body must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the Content-Length does not match the body',
};

/**
 * Every failure leaves as { status: "error", detail } with the right code; 5xx never show internals.
 * A full disk is 507 naming the data dir whose file system is full: the admin can act on that.
 */
export function installErrorHandler(app: FastifyInstance, log: Logger, dataDir = 'the agent\'s data dir'): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).send({ ...error.facts, status: 'error', detail: error.message });
    }
    if (error.validation) {
      const context = CONTEXT_NAMES[error.validationContext ?? ''] ?? 'request';
      const facts = { ...limitFieldFacts(error.validation as never, context), ...bundleFieldFacts(error.validation as never, context) };
      return reply.code(400).send({ ...facts, status: 'error', detail: describeValidationError(error.validation as never, context) });
    }
    const statusCode = error.statusCode ?? 500;
    if (statusCode < 500) {
      const detail = FRAMEWORK_DETAILS[error.code] ?? error.message;
      return reply.code(statusCode).send({ status: 'error', detail });
    }
    log.error(`${request.method} ${request.url.split('?')[0]} failed: ${error.stack ?? error.message}`);
    if (isDiskFull(error)) {
      return reply.code(507).send({
        status: 'error',
        reason: 'disk_full',
        detail: `the disk holding ${dataDir} is full (${error.message}); the change was not stored: free space there and try again`,
      });
    }
    return reply.code(500).send({ status: 'error', detail: 'internal error; the agent log has the cause' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ status: 'error', detail: `no route ${request.method} ${shownPath(request.url)}` }),
  );
}

/**
 * Failures before routing, which the error handler never sees (Fastify's own body has no
 * `detail`). A path with a broken %-escape is not a URL at all: 400, the one malformed id that is
 * not simply unknown.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    void reply.code(400).send({ status: 'error', detail: 'the path is not a valid URL: each % must begin an escape of two hex digits' });
    return;
  }
  const statusCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 404 : 500;
  void reply.code(statusCode).send({ status: 'error', detail: `no route ${request.method} ${shownPath(request.url)}` });
}

const MAX_PATH_SHOWN = 200;
const shownPath = (url: string) => {
  const path = url.split('?')[0] ?? '';
  return path.length > MAX_PATH_SHOWN ? `${path.slice(0, MAX_PATH_SHOWN)}…` : path;
};
