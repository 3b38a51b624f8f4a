import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
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
  (httpPart === 'body' ? strict.compile(schema) : textPartValidator(schema as TextPartSchema)) as ReturnType<
    FastifySchemaCompiler<object>
  >;

/**
 * The one spelling of an integer a query or path takes: decimal digits, no sign, no leading zero,
 * no space. Ajv's coercion alone takes whatever Number() does (0x10, 1e3, " 1", 1.0, Infinity),
 * and an endpoint that deletes data must not read a number the caller did not write.
 */
const DECIMAL_INTEGER = /^(0|[1-9][0-9]*)$/;

interface NumberSchema {
  type?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  errorMessage?: string;
}

interface TextPartSchema {
  properties?: Record<string, NumberSchema>;
}

/** Query and path: integers checked as text first, then the lenient (coercing) schema. */
function textPartValidator(schema: TextPartSchema): ValidateFunction {
  const integers = integerFields(schema);
  const validate = lenient.compile(schema);
  if (integers.length === 0) return validate;
  const checked = ((data: Record<string, unknown> | null) => {
    for (const [name, field] of integers) {
      const text = data?.[name];
      if (text === undefined) continue;
      if (typeof text !== 'string' || !DECIMAL_INTEGER.test(text) || text.length > String(field.maximum).length) {
        checked.errors = [integerError(name, field)];
        return false;
      }
    }
    const valid = validate(data);
    checked.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  return checked;
}

function integerError(name: string, field: NumberSchema): ErrorObject {
  return {
    keyword: 'decimalInteger',
    instancePath: `/${name}`,
    schemaPath: `#/properties/${name}/type`,
    params: {},
    message: `must be a whole number in decimal digits (no sign, no leading zero) from ${String(field.minimum)} to ${String(field.maximum)}`,
    parentSchema: field,
  };
}

/**
 * The integer fields of a query or path schema. Numbers anywhere else in it (nested, in a union, a
 * `number` that may have a fraction) have no rule here yet, so they fail at start-up, not quietly.
 */
function integerFields(schema: TextPartSchema): Array<[string, NumberSchema]> {
  const direct = Object.entries(schema.properties ?? {}).filter(([, field]) => field.type === 'integer');
  for (const [name, field] of direct) {
    const { minimum, maximum } = field;
    if (!Number.isSafeInteger(minimum) || (minimum as number) < 0 || !Number.isSafeInteger(maximum)) {
      throw new Error(`query/path integer ${name} needs a minimum >= 0 and a maximum within the safe integers`);
    }
  }
  const numbers = countNumberSchemas(schema);
  if (numbers !== direct.length) {
    throw new Error('a number in a query or path schema must be a direct integer property (no rule for other places)');
  }
  return direct;
}

function countNumberSchemas(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, item) => sum + countNumberSchemas(item), 0);
  if (node === null || typeof node !== 'object') return 0;
  const own = (node as NumberSchema).type;
  const isNumber = own === 'integer' || own === 'number' || (Array.isArray(own) && own.some((type) => type === 'integer' || type === 'number'));
  return (isNumber ? 1 : 0) + Object.values(node).reduce((sum: number, value) => sum + countNumberSchemas(value), 0);
}

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
