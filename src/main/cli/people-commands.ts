import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { PeopleChange, Person } from '../../shared/contract/people.ts';
import { answer } from './answer.ts';
import type { Command, CommandContext, CommandGroup } from './command.ts';
import { deletionConfirmation } from './confirm-deletion.ts';
import { cliWords } from './i18n/cli-i18n.ts';
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
function printChange(context: CommandContext, change: PeopleChange, heading: string): number {
  answer(context, change, () => `${heading}\n${outcomeLines(change.outcomes)}${change.people.length > 0 ? peopleTable(change.people, context.now()) : ''}`);
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
        answer(context, listed, () => {
          const done = listed.disabledNow.length > 0 ? `Grace periods over:\n${outcomeLines(listed.disabledNow)}` : '';
          const table = listed.people.length > 0 ? peopleTable(listed.people, context.now()) : 'No people yet: keyport people add NAME SERVER...\n';
          const cached = listed.people.some((person) => person.keys.some((entry) => entry.source === 'cache')) ? '(* from cache: that server is offline)\n' : '';
          const pending = listed.pending.length > 0 ? `To be disabled:\n${pendingLines(listed.pending)}` : '';
          return done + table + cached + pending;
        });
        for (const server of listed.unavailable) context.stderr.write(`warning: ${server.server}: ${server.message}\n`);
        return listed.disabledNow.every((outcome) => outcome.done) ? EXIT.ok : EXIT.failed;
      },
    };
  },
};

function personDetail(person: Person, links: { server: string; vlessUrl: string | null }[], now: Date): string {
  const table = formatTable(
    [{ header: 'SERVER' }, { header: 'KEY' }, { header: 'NAME' }, { header: 'STATUS' }, { header: 'USAGE' }, { header: 'EXPIRES' }, { header: 'SYNCED' }],
    person.keys.map(({ server, key, source, syncedAt }) => [
      server, key.id, key.name, statusWord(key, now), usageWords(key), expiryWords(key, now), source === 'live' ? 'now' : `${formatUtc(syncedAt)} (cache)`,
    ]),
  );
  const subscriptions = person.subscriptionUrls.map(({ server, url }) => `  ${server}: ${url}\n`).join('') || '  none: no server of theirs serves subscriptions\n';
  const vless = links.map(({ server, vlessUrl }) => `  ${server}: ${vlessUrl ?? '(not read yet; the server is offline)'}\n`).join('');
  return `${person.name} (uuid ${person.uuid}): ${formatByteSize(person.usedBytes)} used in their quota periods, ${formatByteSize(person.monthBytes)} this month\n` +
    `${table}Subscription: ${person.subscriptionUrl ?? '-'}\nEvery subscription link:\n${subscriptions}Links:\n${vless}`;
}

const show = positionalCommand({ usage: 'people show PERSON', json: true }, async (context, positional) => {
  const detail = await context.core.people.show(positional.person);
  answer(context, detail, () => personDetail(detail.person, detail.links, context.now()));
});

const add: Command = {
  name: 'add',
  usage: `people add NAME SERVER... ${KEY_LIMIT_USAGE}`,
  json: true,
  parse(args) {
    const { values, positionals } = parseVariadic(args, KEY_LIMIT_OPTIONS);
    const [name, ...servers] = positionals;
    if (name === undefined) throw new UsageError('missing NAME');
    if (servers.length === 0) throw new UsageError('missing SERVER (one or more)');
    const limitsAt = limitFlags(values);
    return {
      async run(context) {
        const change = await context.core.people.add(name, servers, limitsAt(context.now()));
        return printChange(context, change, `Added ${name} on ${servers.join(', ')}:`);
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
        return printChange(context, change, `Removed ${positional.person}:`);
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
    if (positional.action !== 'add' && positional.action !== 'remove') throw new UsageError(`people servers takes add or remove (got '${positional.action}')`);
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
        return printChange(context, change, adding ? `Gave ${positional.person} a key on ${positional.server}:` : `Deleted ${positional.person}'s key on ${positional.server}:`);
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
    if (values.from === undefined || values.to === undefined) throw new UsageError('give --from SERVER and --to SERVER');
    if ((values.all === true) === positionals.length > 0) throw new UsageError('give --all or the people to move, one of the two');
    if (values['disable-after'] !== undefined && values['disable-now'] === true) throw new UsageError('give --disable-after or --disable-now, not both');
    const disableAfterMs = values['disable-now'] === true ? 0 : values['disable-after'] === undefined ? undefined : parseGrace(values['disable-after']);
    const request = { from: values.from, to: values.to, ...(values.all === true ? { all: true } : { people: positionals }), ...(disableAfterMs === undefined ? {} : { disableAfterMs }) };
    return {
      async run(context) {
        const result = await context.core.people.move(request);
        const created = result.plan.filter((entry) => entry.action === 'create').length;
        const present = result.plan.filter((entry) => entry.action === 'present').length;
        const heading = `Moving ${result.plan.length} people from ${request.from} to ${request.to}: ${created} get a key there, ${present} had one already.`;
        const code = printChange(context, result, heading);
        if (!context.json && result.pending.length > 0) {
          context.stdout.write(`To be disabled on ${request.from} (by the first keyport people command after that time):\n${pendingLines(result.pending)}`);
        }
        return code;
      },
    };
  },
};

const push = positionalCommand({ usage: 'people push PERSON', json: true }, async (context, positional) =>
  printChange(context, await context.core.people.pushBundles(positional.person), `Pushed ${positional.person}'s links to each of their servers:`),
);

const rotate = positionalCommand({ usage: 'people rotate PERSON', json: true }, async (context, positional) =>
  printChange(context, await context.core.people.rotateSubscription(positional.person), `Gave ${positional.person} a new subscription link (the old one answers 404 now):`),
);

export const peopleCommands: CommandGroup = {
  name: 'people',
  commands: [list, show, add, servers, remove, move, push, rotate],
};
