import type { Command, CommandContext } from './command.ts';
import { parseCommandArgs } from './parse-command-args.ts';

interface PositionalCommandSpec<R extends string, P extends string> {
  name: string;
  usage: string;
  json?: true;
  /** The positionals in the order of the usage, named as `run` gets them. */
  required?: readonly R[];
  optional?: readonly P[];
  run(context: CommandContext, positional: Record<R, string> & Partial<Record<P, string>>): Promise<number | void>;
}

/** A command that takes no flags of its own: its positionals are checked when it parses, then handed to `run` by name. */
export function positionalCommand<const R extends string = never, const P extends string = never>(spec: PositionalCommandSpec<R, P>): Command {
  const { required = [], optional = [], run, ...command } = spec;
  return {
    ...command,
    parse(args) {
      const { positional } = parseCommandArgs(args, {}, required, optional);
      return { run: (context) => run(context, positional) };
    },
  };
}
