import { KeyportError } from '../../../shared/contract/errors.ts';

/**
 * A value read from a server that is not of the form Keyport asked for (a hash that is not 64 hex
 * digits, a version that is not one): `unsupported-server`, saying what was expected and showing a
 * short printable excerpt of what came, so nothing half-read is ever acted on.
 */
export function unexpectedAnswer(what: string, expected: string, answer: string): KeyportError {
  const excerpt = printable(answer, 80);
  return new KeyportError('unsupported-server', `${what}: the server answered "${excerpt}" where Keyport expected ${expected}`, {
    expected,
    answer: excerpt,
  });
}

/** Text from a server, safe to show: control characters as `?`, at most `maxLength` characters. */
export function printable(text: string, maxLength = 200): string {
  const shown = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return shown.length > maxLength ? `${shown.slice(0, maxLength)}…` : shown;
}
