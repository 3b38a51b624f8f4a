import QRCode from 'qrcode';
import type { ApiKey } from '../../shared/contract/api-types.ts';
import { answer } from './answer.ts';
import { createManyCommand } from './create-many-command.ts';
import type { Command, CommandContext, CommandGroup } from './command.ts';
import { deletionConfirmation } from './confirm-deletion.ts';
import { EXIT } from './exit-codes.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { KEY_LIMIT_OPTIONS, KEY_LIMIT_USAGE, limitFlags } from './key-limit-flags.ts';
import { limitsSentence, stoppedWords } from './key-limit-words.ts';
import { keyStatusAt } from '../../shared/key-limits/key-limit-status.ts';
import { keysListCommand } from './keys-list-command.ts';
import { keysSetCommand } from './keys-set-command.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { positionalCommand } from './positional-command.ts';
import { printCached } from './print-cached.ts';
import { problemWords } from './problem-words.ts';
import { writeQrFile } from './qr-file.ts';
import { resolveKey } from './resolve-key.ts';
import { UsageError } from './usage-error.ts';

function describeKey(t: CliWords, key: ApiKey): string {
  return t('keys.described', { name: key.name, id: key.id, port: key.port });
}

/** The key as JSON, or a line made from it. */
function printKey(context: CommandContext, key: ApiKey, line: string): void {
  answer(context, key, () => `${line}\n`);
}

/** After a key is made: what would keep its link from working now, on stderr (a failed look is no warning). */
async function warnIfLinksWouldFail(context: CommandContext, server: string, keyName: string): Promise<void> {
  const status = await context.core.fleet.status(server).catch(() => undefined);
  const t = cliWords(context.env);
  for (const problem of status?.problems ?? []) {
    if (problem.code === 'firewall-out-of-sync') continue;
    const message = t('keys.linkWillNotWork', { name: keyName, problem: problemWords(t, problem, server) });
    context.stderr.write(`${t('common.warning', { message })}\n`);
  }
}

const create: Command = {
  name: 'create',
  usage: `keys create SERVER NAME ${KEY_LIMIT_USAGE}`,
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, KEY_LIMIT_OPTIONS, ['server', 'name']);
    const limitsAt = limitFlags(values);
    return {
      async run(context) {
        const limits = limitsAt(context.now());
        const key = await context.core.keys.create(positional.server, positional.name, limits);
        const t = cliWords(context.env);
        const limitsLine = Object.keys(limits).length === 0 ? '' : `\n${limitsSentence(t, key, context.now())}`;
        printKey(context, key, `${t('keys.created', { key: describeKey(t, key), server: positional.server, id: key.id })}${limitsLine}`);
        await warnIfLinksWouldFail(context, positional.server, key.name);
      },
    };
  },
};

const remove: Command = {
  name: 'delete',
  usage: 'keys delete SERVER KEY [--yes]',
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { yes: { type: 'boolean' } }, ['server', 'key']);
    const { server, key } = positional;
    const confirmation = deletionConfirmation(values.yes === true, (t) => t('confirm.what.key', { key, server }));
    return {
      beforeCore: confirmation.beforeCore,
      async run(context) {
        const keyId = await resolveKey(context.core, server, key);
        const named = key === keyId ? keyId : `${key} (id ${keyId})`;
        if (!(await confirmation.confirmed(context, cliWords(context.env)('confirm.ask.key', { key: named, server })))) return EXIT.failed;
        await context.core.keys.remove(server, keyId);
        context.stdout.write(`${cliWords(context.env)('done.keyDeleted', { key: keyId, server })}\n`);
      },
    };
  },
};

function activation(name: 'enable' | 'disable'): Command {
  const active = name === 'enable';
  return positionalCommand({ usage: `keys ${name} SERVER KEY`, json: true }, async (context, positional) => {
    const keyId = await resolveKey(context.core, positional.server, positional.key);
    const key = await context.core.keys.setActive(positional.server, keyId, active);
    const t = cliWords(context.env);
    printKey(context, key, t(active ? 'keys.enabled' : 'keys.disabled', { key: describeKey(t, key) }));
    if (active) warnIfStopped(context, positional.server, key);
  });
}

/** On stderr: a key its quota or expiry stops, whose link does not work, and how to bring it back. */
function warnIfStopped(context: CommandContext, server: string, key: ApiKey): void {
  const t = cliWords(context.env);
  const why = stoppedWords(t, key, context.now());
  if (!why) return;
  const flag = keyStatusAt(key, context.now().getTime()) === 'limited' ? '--limit SIZE' : '--expires WHEN';
  context.stderr.write(`${t('common.warning', { message: t('keys.stopped', { why, server, id: key.id, flag }) })}\n`);
}

const rename = positionalCommand({ usage: 'keys rename SERVER KEY NEWNAME', json: true }, async (context, positional) => {
  const keyId = await resolveKey(context.core, positional.server, positional.key);
  const key = await context.core.keys.rename(positional.server, keyId, positional.newname);
  printKey(context, key, cliWords(context.env)('keys.renamed', { id: key.id, name: key.name, server: positional.server }));
});

const config = positionalCommand({ usage: 'keys config SERVER KEY', json: true }, async (context, positional) => {
  const keyId = await resolveKey(context.core, positional.server, positional.key);
  const cached = await context.core.keys.config(positional.server, keyId);
  printCached(context, cached, (data) => `${data.vless_url}\n`);
  warnIfStopped(context, positional.server, cached.data.key);
});

const qr: Command = {
  name: 'qr',
  usage: 'keys qr SERVER KEY [--png FILE | --svg FILE]',
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { png: { type: 'string' }, svg: { type: 'string' } }, ['server', 'key']);
    if (values.png !== undefined && values.svg !== undefined) throw new UsageError((t) => t('usageError.pngOrSvg'));
    return {
      async run(context) {
        const keyId = await resolveKey(context.core, positional.server, positional.key);
        const cached = await context.core.keys.config(positional.server, keyId);
        const text = cached.data.qr_code_data;
        const file = values.png ?? values.svg;
        let output: string;
        if (file === undefined) {
          output = `${await QRCode.toString(text, { type: 'terminal', small: true })}\n${cached.data.vless_url}\n`;
        } else {
          await writeQrFile(file, text, values.png === undefined ? 'svg' : 'png');
          output = `${cliWords(context.env)('keys.qrWritten', { id: keyId, file })}\n`;
        }
        printCached(context, cached, () => output);
        warnIfStopped(context, positional.server, cached.data.key);
      },
    };
  },
};

export const keysCommands: CommandGroup = {
  name: 'keys',
  commands: [keysListCommand, create, createManyCommand, keysSetCommand, rename, remove, activation('enable'), activation('disable'), config, qr],
};
