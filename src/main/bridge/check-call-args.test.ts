import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { DefaultErrorFunction, SetErrorFunction } from '@sinclair/typebox/errors';
import { KeyportError } from '../../shared/contract/errors.ts';
import { checkCallArgs } from './check-call-args.ts';

test('a value that matches no shape of a union says so by the error’s kind, whatever words TypeBox uses', (t) => {
  // Localized messages, as an app may set them: nothing may depend on TypeBox's English.
  SetErrorFunction((error) => `Fehler (${error.errorType})`);
  t.after(() => SetErrorFunction(DefaultErrorFunction));
  const spec = { args: [{ name: 'target', optional: false, schema: Type.Union([Type.String(), Type.Object({ host: Type.String() })]) }] };
  assert.throws(
    () => checkCallArgs('fleet.probeHostKey', spec, [42]),
    (error: unknown) => error instanceof KeyportError && error.code === 'bad-input' && error.facts.problem === 'it matches none of the shapes this argument takes',
  );
});
