import { DEFAULT_KEY_PORTS } from '../core/deploy/remote-layout.ts';
import type { Command, CommandGroup } from './command.ts';
import type { CliWords } from './i18n/cli-i18n.ts';
import type { en } from './i18n/locales/en.ts';

/** A command's synopsis after `keyport `, with `[--json]` when it takes that. */
export function synopsis(command: Command): string {
  return command.json ? `${command.usage} [--json]` : command.usage;
}

type Section = keyof typeof en.help.group;

/** `keyport help`: every command's synopsis, then what holds across them, in the language of `t`. */
export function fullUsage(entries: (CommandGroup | Command)[], t: CliWords): string {
  const sections = entries.map((entry) => {
    const commands = 'commands' in entry ? entry.commands : [entry];
    return `${t(`help.group.${entry.name as Section}`)}\n${commands.map((command) => `  keyport ${synopsis(command)}\n`).join('')}`;
  });
  return `${t('help.intro')}\n\n${sections.join('\n')}\n${t('help.notes', { keyPorts: `${DEFAULT_KEY_PORTS.from}-${DEFAULT_KEY_PORTS.to}` })}\n\n${t('help.environment')}\n\n${t('help.exitCodes')}\n`;
}
