import type { KeyportCore } from '../core/keyport-core.ts';
import type { CliIo, Command, CommandGroup, CoreOptions, PreparedCommand } from './command.ts';
import { consoleCommand } from './console-command.ts';
import { exportCommand, importCommand } from './console-state-commands.ts';
import { EXIT } from './exit-codes.ts';
import { fullUsage, synopsis } from './full-usage.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { keysCommands } from './keys-commands.ts';
import { peopleCommands } from './people-commands.ts';
import { reportError } from './report-error.ts';
import { serverCommands } from './server-commands.ts';
import { trafficCommands } from './traffic-commands.ts';
import { tunnelCommand } from './tunnel-command.ts';
import { UsageError } from './usage-error.ts';

const ENTRIES: (CommandGroup | Command)[] = [serverCommands, keysCommands, peopleCommands, trafficCommands, tunnelCommand, consoleCommand, exportCommand, importCommand];
const HELP = new Set(['help', '--help', '-h']);

/**
 * Runs one command line and resolves to its exit code. The core is opened only once the line has
 * parsed, so a usage error (exit 2) touches nothing, not even $KEYPORT_HOME.
 */
export async function runCli(argv: string[], io: CliIo, openCore: (options: CoreOptions) => Promise<KeyportCore>): Promise<number> {
  const t = cliWords(io.env);
  const [word, ...rest] = argv;
  if (word === undefined) return usageFailure(io, t('usage.noCommand'), fullUsage(ENTRIES, t));
  if (HELP.has(word)) {
    const topic = ENTRIES.find((entry) => entry.name === rest[0]);
    io.stdout.write(topic ? entryUsage(topic, t) : fullUsage(ENTRIES, t));
    return EXIT.ok;
  }
  const entry = ENTRIES.find((candidate) => candidate.name === word);
  if (!entry) {
    return usageFailure(io, t('usage.unknownCommand', { command: word }), `${t('usage.commands', { commands: ENTRIES.map((candidate) => candidate.name).join(', ') })}\n`);
  }

  let command: Command;
  let args: string[];
  if ('commands' in entry) {
    const [name, ...commandArgs] = rest;
    if (name !== undefined && HELP.has(name)) {
      io.stdout.write(entryUsage(entry, t));
      return EXIT.ok;
    }
    const found = entry.commands.find((candidate) => candidate.name === name);
    if (!found) {
      const problem = name === undefined ? t('usage.needsCommand', { group: word }) : t('usage.unknownCommand', { command: `${word} ${name}` });
      return usageFailure(io, problem, entryUsage(entry, t));
    }
    command = found;
    args = commandArgs;
  } else {
    command = entry;
    args = rest;
  }
  const flags = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (flags.some((arg) => arg === '--help' || arg === '-h')) {
    io.stdout.write(entryUsage(command, t));
    return EXIT.ok;
  }

  // --json is the CLI's, not each command's: taken off here for the commands that answer in JSON.
  const json = command.json === true && flags.includes('--json');
  if (json) args = [...flags.filter((arg) => arg !== '--json'), ...args.slice(flags.length)];

  let prepared: PreparedCommand;
  try {
    prepared = command.parse(args);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error.say(t), entryUsage(command, t));
    throw error;
  }
  let core: KeyportCore | undefined;
  try {
    await prepared.beforeCore?.(io);
    core = await openCore({ askOnTerminal: prepared.asksSecretsInPage !== true });
    return (await prepared.run({ ...io, core, json })) ?? EXIT.ok;
  } catch (error) {
    return reportError(io, error, json);
  } finally {
    await core?.close();
  }
}

function entryUsage(entry: CommandGroup | Command, t: CliWords): string {
  const commands = 'commands' in entry ? entry.commands : [entry];
  return `${t('usage.label')}\n${commands.map((command) => `  keyport ${synopsis(command)}\n`).join('')}`;
}

function usageFailure(io: CliIo, message: string, usage: string): number {
  io.stderr.write(`keyport: ${message}\n${usage}`);
  return EXIT.usage;
}
