import type { Command, CommandContext } from './command.ts';
import { parseCommandArgs } from './parse-command-args.ts';

type Words<S extends string> = S extends `${infer W} ${infer Rest}` ? [W, ...Words<Rest>] : [S];
type RequiredIn<W extends string[]> = { [I in keyof W]: W[I] extends `[${string}` | Lowercase<W[I]> ? never : Lowercase<W[I]> }[number];
type OptionalIn<W extends string[]> = { [I in keyof W]: W[I] extends `[${infer N}]` ? Lowercase<N> : never }[number];

/** The positionals a usage names, by their lowercased names: `keys rename SERVER KEY [NOTE]` gives server, key and maybe note. */
export type PositionalsOf<U extends string> = Record<RequiredIn<Words<U>>, string> & Partial<Record<OptionalIn<Words<U>>, string>>;

/**
 * A command that takes no flags of its own, parsed from its usage (`GROUP NAME POSITIONAL... [OPTIONAL]`):
 * the synopsis is the parse, so the two cannot disagree. `run` gets the positionals by name.
 */
export function positionalCommand<const U extends string>(
  spec: { usage: U; json?: true },
  run: (context: CommandContext, positional: PositionalsOf<U>) => Promise<number | void>,
): Command {
  const [, name, ...words] = spec.usage.split(' ');
  const required: string[] = [];
  const optional: string[] = [];
  for (const word of words) {
    const optionalName = /^\[([A-Z]+)\]$/.exec(word)?.[1];
    if (optionalName !== undefined) optional.push(optionalName.toLowerCase());
    else if (/^[A-Z]+$/.test(word) && optional.length === 0) required.push(word.toLowerCase());
    else throw new TypeError(`usage '${spec.usage}': '${word}' is not a positional (NAME, or [NAME] at the end)`);
  }
  if (name === undefined) throw new TypeError(`usage '${spec.usage}' names no command`);
  return {
    name,
    usage: spec.usage,
    ...(spec.json ? { json: true } : {}),
    parse(args) {
      const { positional } = parseCommandArgs(args, {}, required, optional);
      return { run: (context) => run(context, positional as PositionalsOf<U>) };
    },
  };
}
