import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { CallSpec } from '../../shared/contract/services.ts';

/**
 * Checks a bridged call's arguments against its spec in the contract and gives back the ones to
 * pass on, or throws `bad-input` naming the argument (index, name, the field inside it) before any
 * service sees the call. Nothing is coerced: `"1"` is not a number and `1` is not `true`.
 */
export function checkCallArgs(callName: string, spec: CallSpec, args: readonly unknown[]): unknown[] {
  if (args.length > spec.args.length) {
    throw new KeyportError('bad-input', `${callName} takes ${spec.args.length} argument${spec.args.length === 1 ? '' : 's'}, got ${args.length}`, {
      call: callName,
      argument: spec.args.length,
      argumentName: null,
      field: null,
      problem: 'unexpected argument',
    });
  }
  return spec.args.map((expected, index) => {
    const given = index < args.length ? args[index] : undefined;
    // JSON has no undefined: a left-out optional argument may arrive as null.
    if (expected.optional && (given === undefined || given === null)) return undefined;
    const refuse = (field: string, problem: string): never => {
      const where = `argument ${index} (${expected.name})${field ? ` at ${field}` : ''}`;
      throw new KeyportError('bad-input', `${callName} refused ${where}: ${problem}`, {
        call: callName,
        argument: index,
        argumentName: expected.name,
        field,
        problem,
      });
    };
    if (given === undefined) return refuse('', 'it is missing');
    const error = Value.Errors(expected.schema, given).First();
    if (error) refuse(error.path, error.type === ValueErrorType.Union ? 'it matches none of the shapes this argument takes' : lowerFirst(error.message));
    return given;
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
