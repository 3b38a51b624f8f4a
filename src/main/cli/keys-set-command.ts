import type { KeyUpdate } from '../../shared/contract/api-types.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
import { cliWords } from './i18n/cli-i18n.ts';
import { KEY_LIMIT_OPTIONS, limitFlags } from './key-limit-flags.ts';
import { limitsSentence } from './key-limit-words.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { resolveKey } from './resolve-key.ts';
import { UsageError } from './usage-error.ts';

export const keysSetCommand: Command = {
  name: 'set',
  usage: 'keys set SERVER KEY [--name NAME] [--limit SIZE|none] [--reset PERIOD] [--expires WHEN|never] [--note TEXT] [--enable | --disable]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      { ...KEY_LIMIT_OPTIONS, name: { type: 'string' }, enable: { type: 'boolean' }, disable: { type: 'boolean' } },
      ['server', 'key'],
    );
    if (values.enable && values.disable) throw new UsageError((t) => t('usageError.enableOrDisable'));
    const limitsAt = limitFlags(values);
    const changesAt = (now: Date): KeyUpdate => ({
      ...limitsAt(now),
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values.enable || values.disable ? { is_active: values.enable === true } : {}),
    });
    if (Object.keys(changesAt(new Date(0))).length === 0) {
      throw new UsageError((t) => t('usageError.keysSetNothing'));
    }
    return {
      async run(context) {
        const changes = changesAt(context.now());
        const keyId = await resolveKey(context.core, positional.server, positional.key);
        const key = await context.core.keys.update(positional.server, keyId, changes);
        const t = cliWords(context.env);
        const described = t('keys.described', { name: key.name, id: key.id, port: key.port });
        answer(context, key, () => `${t('keys.updated', { key: described, limits: limitsSentence(t, key, context.now()) })}\n`);
      },
    };
  },
};
