import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { PeopleChange, Person } from '../../shared/contract/people.ts';
import { answer } from './answer.ts';
import type { Command, CommandContext, CommandGroup } from './command.ts';
import { deletionConfirmation } from './confirm-deletion.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { EXIT } from './exit-codes.ts';
import { formatTable } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
import { KEY_LIMIT_OPTIONS, KEY_LIMIT_USAGE, limitFlags } from './key-limit-flags.ts';
import { expiryWords, statusWord, usageWords } from './key-limit-words.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { parseGrace } from './parse-grace.ts';
import { outcomeLines, peopleTable, pendingLines } from './people-words.ts';
import { positionalCommand } from './positional-command.ts';
import { UsageError } from './usage-error.ts';

/** parseArgs with any number of positionals (names of servers or people). */
function parseVariadic<const O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('. ')[0]!);
  }
}

/** A change's answer: the people and what happened per server; exit 1 when something failed on a server. */
function printChange(context: CommandContext, change: PeopleChange, heading: (t: CliWords) => string): number {
  const t = cliWords(context.env);
  answer(context, change, () => `${heading(t)}\n${outcomeLines(t, change.outcomes)}${change.people.length > 0 ? peopleTable(t, change.people, context.now()) : ''}`);
  return change.outcomes.every((outcome) => outcome.done) ? EXIT.ok : EXIT.failed;
}

const list: Command = {
  name: 'list',
  usage: 'people list',
  json: true,
  parse(args) {
    parseCommandArgs(args, {}, []);
    return {
      async run(context) {
        const listed = await context.core.people.list();
        const t = cliWords(context.env);
        answer(context, listed, () => {
          const done = listed.disabledNow.length > 0 ? `${t('people.graceOver')}\n${outcomeLines(t, listed.disabledNow)}` : '';
          const table = listed.people.length > 0 ? peopleTable(t, listed.people, context.now()) : `${t('people.noneYet')}\n`;
          const cached = listed.people.some((person) => person.keys.some((entry) => entry.source === 'cache')) ? `${t('people.fromCache')}\n` : '';
          const pending = listed.pending.length > 0 ? `${t('people.toBeDisabled')}\n${pendingLines(t, listed.pending)}` : '';
          return done + table + cached + pending;
        });
        for (const server of listed.unavailable) {
          context.stderr.write(`${t('common.warning', { message: t('people.unavailable', { server: server.server, message: server.message }) })}\n`);
        }
        return listed.disabledNow.every((outcome) => outcome.done) ? EXIT.ok : EXIT.failed;
      },
    };
  },
};

function personDetail(t: CliWords, person: Person, links: { server: string; vlessUrl: string | null }[], now: Date): string {
  const table = formatTable(
    [
      { header: t('people.column.server') },
      { header: t('people.column.key') },
      { header: t('people.column.name') },
      { header: t('people.column.status') },
      { header: t('people.column.usage') },
      { header: t('people.column.expires') },
      { header: t('people.column.synced') },
    ],
    person.keys.map(({ server, key, source, syncedAt }) => [
      server,
      key.id,
      key.name,
      statusWord(t, key, now),
      usageWords(t, key),
      expiryWords(t, key, now),
      source === 'live' ? t('people.syncedNow') : t('people.syncedCache', { time: formatUtc(syncedAt) }),
    ]),
  );
  const line = (server: string, url: string): string => `${t('people.linkLine', { server, url })}\n`;
  const subscriptions = person.subscriptionUrls.map(({ server, url }) => line(server, url)).join('') || `${t('people.noSubscriptions')}\n`;
  const vless = links.map(({ server, vlessUrl }) => line(server, vlessUrl ?? t('people.notReadYet'))).join('');
  const heading = t('people.detail', { name: person.name, uuid: person.uuid, used: formatByteSize(person.usedBytes), month: formatByteSize(person.monthBytes) });
  return (
    `${heading}\n${table}${t('people.subscription', { url: person.subscriptionUrl ?? '-' })}\n` +
    `${t('people.everySubscription')}\n${subscriptions}${t('people.links')}\n${vless}`
  );
}

const show = positionalCommand({ usage: 'people show PERSON', json: true }, async (context, positional) => {
  const detail = await context.core.people.show(positional.person);
  answer(context, detail, () => personDetail(cliWords(context.env), detail.person, detail.links, context.now()));
});

const add: Command = {
  name: 'add',
  usage: `people add NAME SERVER... ${KEY_LIMIT_USAGE}`,
  json: true,
  parse(args) {
    const { values, positionals } = parseVariadic(args, KEY_LIMIT_OPTIONS);
    const [name, ...servers] = positionals;
    if (name === undefined) throw new UsageError((t) => t('usageError.missingName'));
    if (servers.length === 0) throw new UsageError((t) => t('usageError.missingServers'));
    const limitsAt = limitFlags(values);
    return {
      async run(context) {
        const change = await context.core.people.add(name, servers, limitsAt(context.now()));
        return printChange(context, change, (t) => t('people.added', { name, servers: servers.join(', ') }));
      },
    };
  },
};

const remove: Command = {
  name: 'remove',
  usage: 'people remove PERSON [--yes]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { yes: { type: 'boolean' } }, ['person']);
    const yes = values.yes === true;
    const confirmation = deletionConfirmation(yes, (t) => t('confirm.what.person', { person: positional.person }));
    return {
      beforeCore: confirmation.beforeCore,
      async run(context) {
        if (!yes) {
          const { person } = await context.core.people.show(positional.person);
          const servers = person.keys.map((entry) => entry.server).join(', ');
          if (!(await confirmation.confirmed(context, cliWords(context.env)('confirm.ask.person', { person: person.name, servers })))) return EXIT.failed;
        }
        const change = await context.core.people.remove(positional.person);
        return printChange(context, change, (t) => t('people.removed', { person: positional.person }));
      },
    };
  },
};

const servers: Command = {
  name: 'servers',
  usage: 'people servers add|remove PERSON SERVER [--yes]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { yes: { type: 'boolean' } }, ['action', 'person', 'server']);
    if (positional.action !== 'add' && positional.action !== 'remove') throw new UsageError((t) => t('usageError.peopleServersAction', { action: positional.action }));
    const adding = positional.action === 'add';
    const { person, server } = positional;
    // Adding deletes nothing: only a removal asks.
    const confirmation = deletionConfirmation(adding || values.yes === true, (t) => t('confirm.what.personServer', { person, server }));
    return {
      beforeCore: confirmation.beforeCore,
      async run(context) {
        if (!(await confirmation.confirmed(context, cliWords(context.env)('confirm.ask.personServer', { person, server })))) return EXIT.failed;
        const change = adding
          ? await context.core.people.addServer(positional.person, positional.server)
          : await context.core.people.removeServer(positional.person, positional.server);
        return printChange(context, change, (t) => t(adding ? 'people.serverAdded' : 'people.serverRemoved', { person, server }));
      },
    };
  },
};

const move: Command = {
  name: 'move',
  usage: 'people move --from SERVER --to SERVER (--all | PERSON...) [--disable-after 7d | --disable-now]',
  json: true,
  parse(args) {
    const { values, positionals } = parseVariadic(args, {
      from: { type: 'string' },
      to: { type: 'string' },
      all: { type: 'boolean' },
      'disable-after': { type: 'string' },
      'disable-now': { type: 'boolean' },
    });
    if (values.from === undefined || values.to === undefined) throw new UsageError((t) => t('usageError.moveFromTo'));
    if ((values.all === true) === positionals.length > 0) throw new UsageError((t) => t('usageError.moveWho'));
    if (values['disable-after'] !== undefined && values['disable-now'] === true) throw new UsageError((t) => t('usageError.moveDisableBoth'));
    const disableAfterMs = values['disable-now'] === true ? 0 : values['disable-after'] === undefined ? undefined : parseGrace(values['disable-after']);
    const request = { from: values.from, to: values.to, ...(values.all === true ? { all: true } : { people: positionals }), ...(disableAfterMs === undefined ? {} : { disableAfterMs }) };
    return {
      async run(context) {
        const result = await context.core.people.move(request);
        const created = result.plan.filter((entry) => entry.action === 'create').length;
        const present = result.plan.filter((entry) => entry.action === 'present').length;
        const code = printChange(context, result, (t) => t('people.moving', { count: result.plan.length, from: request.from, to: request.to, created, present }));
        if (!context.json && result.pending.length > 0) {
          const t = cliWords(context.env);
          context.stdout.write(`${t('people.toBeDisabledOn', { server: request.from })}\n${pendingLines(t, result.pending)}`);
        }
        return code;
      },
    };
  },
};

const push = positionalCommand({ usage: 'people push PERSON', json: true }, async (context, positional) =>
  printChange(context, await context.core.people.pushBundles(positional.person), (t) => t('people.pushed', { person: positional.person })),
);

const rotate = positionalCommand({ usage: 'people rotate PERSON', json: true }, async (context, positional) =>
  printChange(context, await context.core.people.rotateSubscription(positional.person), (t) => t('people.rotated', { person: positional.person })),
);

export const peopleCommands: CommandGroup = {
  name: 'people',
  commands: [list, show, add, servers, remove, move, push, rotate],
};
