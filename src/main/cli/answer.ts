import type { CommandContext } from './command.ts';
import { writeJson } from './write-json.ts';

/**
 * A command's answer: under --json the value itself on stdout, else what `forPeople` writes itself
 * or returns for stdout.
 */
export function answer<T>(context: CommandContext, value: T, forPeople: (value: T) => string | void): void {
  if (context.json) {
    writeJson(context.stdout, value);
    return;
  }
  const text = forPeople(value);
  if (text !== undefined) context.stdout.write(text);
}
