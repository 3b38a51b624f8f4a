import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type, type TSchema } from '@sinclair/typebox';
import { validatorCompiler } from '../../src/http/validation.ts';

const compile = (schema: TSchema, httpPart = 'querystring') =>
  validatorCompiler({ schema, httpPart, method: 'GET', url: '/x' }) as unknown as ((data: unknown) => boolean) & { errors?: unknown[] };

describe('query and path integers', () => {
  const query = Type.Object({ count: Type.Integer({ minimum: 0, maximum: 500 }) });

  test('plain decimal digits become numbers; other spellings of a number are refused', () => {
    const validate = compile(query);
    for (const [text, value] of [['0', 0], ['7', 7], ['500', 500]] as const) {
      const data = { count: text };
      assert.equal(validate(data), true, text);
      assert.equal(data.count, value);
    }
    for (const text of ['0x10', '1e2', ' 1', '1.0', '+5', '-0', '01', '', '501', '5000', ['1', '2']]) {
      assert.equal(validate({ count: text }), false, JSON.stringify(text));
      assert.ok(validate.errors?.length);
    }
  });

  test('bodies keep JSON numbers: no text rule there', () => {
    const validate = compile(Type.Object({ count: Type.Integer() }), 'body');
    assert.equal(validate({ count: 12 }), true);
    assert.equal(validate({ count: '12' }), false);
  });

  test('a query or path number the rule cannot check fails at start-up, not quietly', () => {
    const unchecked = [
      Type.Object({ count: Type.Integer() }),
      Type.Object({ count: Type.Integer({ minimum: -5, maximum: 5 }) }),
      Type.Object({ count: Type.Integer({ minimum: 0, maximum: 2 ** 60 }) }),
      Type.Object({ ratio: Type.Number({ minimum: 0, maximum: 1 }) }),
      Type.Object({ count: Type.Union([Type.Integer({ minimum: 0, maximum: 5 }), Type.Literal('all')]) }),
    ];
    for (const schema of unchecked) assert.throws(() => compile(schema), /query\/path|query or path/, JSON.stringify(schema));
  });
});
