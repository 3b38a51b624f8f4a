import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Bodies are validated strictly: a wrong JSON type is a 400, never coerced (`1` is not `true`).
 * Path and query values are text by nature, so there numbers are parsed before checking.
 */
function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, verbose: true });
  // Our own annotation: the readable message a schema gives when its pattern does not match.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return ajv;
}

const strict = makeAjv(false);
const lenient = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : lenient).compile(schema) as ReturnType<FastifySchemaCompiler<object>>;

/** One readable sentence for a failed validation: the field, and what was wrong with it. */
export function describeValidationError(errors: readonly ErrorObject[], context: string): string {
  const error = errors[0];
  if (!error) return `invalid ${context}`;
  const own = (error.parentSchema as { errorMessage?: string } | undefined)?.errorMessage;
  const field = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (own && error.keyword !== 'type' && error.keyword !== 'required') return own;
  if (error.keyword === 'required') return `${context}: ${String(error.params.missingProperty)} is required`;
  if (error.keyword === 'additionalProperties') {
    return `${context}: unknown field ${String(error.params.additionalProperty)}`;
  }
  return `${context}${field ? `.${field}` : ''} ${error.message ?? 'is invalid'}`;
}
