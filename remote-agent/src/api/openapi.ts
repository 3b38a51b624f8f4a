import { Type } from '@sinclair/typebox';
import { commonErrors } from './common.ts';
import { endpoint } from './endpoint.ts';

/** The API as an OpenAPI 3 document, printed from these definitions; its shape is OpenAPI's own. */
export const getOpenApiDocument = endpoint({
  method: 'GET', path: '/api/openapi.json', tag: 'openapi', summary: 'This API as an OpenAPI 3 document',
  response: Type.Unsafe<Record<string, unknown>>({}), errors: commonErrors, hidden: true,
});
