import { resolve } from 'node:path';
import { KeyportError } from '../../shared/contract/errors.ts';
import { deployNoteText } from '../../shared/i18n/deploy-notes/deploy-note-text.ts';
import type { XrayInstallRequest } from '../../shared/contract/deploy.ts';
import { checkXrayRequest, PINNED_XRAY_TAG } from '../core/deploy/xray-installer.ts';
import { xraySupportNote } from '../core/deploy/xray-version.ts';
import type { AddServerRequest, ServerInfo, ServerStatus, SshAuth, SshTarget } from '../../shared/contract/servers.ts';
import { answer } from './answer.ts';
import { backupCommands } from './backup-commands.ts';
import { askHidden } from './ask-hidden.ts';
import type { Command, CommandContext, CommandGroup } from './command.ts';
import { deletionConfirmation } from './confirm-deletion.ts';
import { deployCommand } from './deploy-command.ts';
import { EXIT } from './exit-codes.ts';
import { cliLanguage, cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { confirmHostKey } from './confirm-host-key.ts';
import { formatTable } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { positionalCommand } from './positional-command.ts';
import { parsePort } from './parse-port.ts';
import { progressPrinter } from './progress-printer.ts';
import { readLine } from './read-line.ts';
import { realityCommand } from './reality-command.ts';
import { serverSetCommand } from './server-set-command.ts';
import { settingsCommand } from './settings-command.ts';
import { checkPorts, problemLines, syncConfig, xrayCell, xrayUsageLines } from './server-health-commands.ts';
import { UsageError } from './usage-error.ts';
import { xraySupportLabel } from './xray-support-label.ts';
import { EXPIRING_SOON_DAYS } from '../../shared/key-limits/key-limit-status.ts';

interface AddOptions {
  name: string;
  alias: string | undefined;
  host: string | undefined;
  port: number | undefined;
  user: string | undefined;
  auth: SshAuth | undefined;
  passwordFromStdin: boolean;
  acceptedKeys: string[];
}

const add: Command = {
  name: 'add',
  usage:
    'server add NAME (--host HOST [--port 22] [--user root] | --alias HOSTALIAS [--user USER])\n' +
    '                     [--key FILE | --agent | --password-stdin] [--accept-host-key SHA256:...]',
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      {
        host: { type: 'string' },
        port: { type: 'string' },
        user: { type: 'string' },
        alias: { type: 'string' },
        key: { type: 'string' },
        agent: { type: 'boolean' },
        'password-stdin': { type: 'boolean' },
        'accept-host-key': { type: 'string', multiple: true },
      },
      ['name'],
    );
    if ((values.host === undefined) === (values.alias === undefined)) throw new UsageError((t) => t('usageError.hostOrAlias'));
    if (values.alias !== undefined && values.port !== undefined) throw new UsageError((t) => t('usageError.portWithHost'));
    const authFlags = [values.key !== undefined, values.agent === true, values['password-stdin'] === true].filter(Boolean);
    if (authFlags.length > 1) throw new UsageError((t) => t('usageError.oneAuth'));
    const auth: SshAuth | undefined =
      values.key !== undefined
        ? // Stored for later runs from any directory; `~/` the core expands itself.
          { method: 'key', keyPath: values.key.startsWith('~/') ? values.key : resolve(values.key) }
        : values.agent
          ? { method: 'agent' }
          : values['password-stdin']
            ? { method: 'password' }
            : undefined;
    const options: AddOptions = {
      name: positional.name,
      alias: values.alias,
      host: values.host,
      port: values.port === undefined ? (values.host === undefined ? undefined : 22) : parsePort(values.port, '--port'),
      user: values.user ?? (values.host === undefined ? undefined : 'root'),
      auth,
      passwordFromStdin: values['password-stdin'] === true,
      acceptedKeys: values['accept-host-key'] ?? [],
    };
    return { run: (context) => addServer(context, options) };
  },
};

async function addServer(context: CommandContext, options: AddOptions): Promise<void> {
  const { name, alias, host, port, user, auth } = options;
  const t = cliWords(context.env);
  const where = alias === undefined ? `${host}:${port}` : t('ask.alias', { alias });
  const secret = options.passwordFromStdin ? await readPassword(context, t('ask.sshPassword', { server: name, where })) : undefined;
  // Seeing a direct target's host key takes no login, so the auth given here is only there to fit the type.
  const target: SshTarget | { sshAlias: string } =
    alias === undefined ? { host: host!, port: port!, user: user!, auth: auth ?? { method: 'agent' }, proxyJump: [] } : { sshAlias: alias };
  const probe = await context.core.fleet.probeHostKey(target);
  const jumpKeys = await confirmHostKey(context, { serverName: name, where, probe, accepted: options.acceptedKeys });
  const request: AddServerRequest = {
    name,
    sshAlias: alias,
    host,
    port,
    user,
    auth,
    secret,
    acceptedFingerprint: probe.fingerprint,
    acceptedJumpFingerprints: Object.keys(jumpKeys).length > 0 ? jumpKeys : undefined,
  };
  const server = await context.core.fleet.add(request);
  context.stdout.write(`${t('done.serverAdded', { server: server.name, address: address(t, server), id: server.id })}\n`);
}

async function readPassword(context: CommandContext, prompt: string): Promise<string> {
  const password = context.isTTY ? await askHidden(context, prompt) : await readLine(context.stdin);
  if (password === '') throw new KeyportError('bad-input', '--password-stdin was given but no password came on stdin');
  return password;
}

const list = positionalCommand({ usage: 'server list', json: true }, async (context) => {
  const servers = await context.core.fleet.list();
  const t = cliWords(context.env);
  answer(context, servers, () => (servers.length === 0 ? `${t('servers.noneYet')}\n` : serverTable(t, servers)));
});

function serverTable(t: CliWords, servers: ServerInfo[]): string {
  return formatTable(
    [
      { header: t('servers.column.name') },
      { header: t('servers.column.address') },
      { header: t('servers.column.agent') },
      { header: t('servers.column.lastSynced') },
      { header: t('servers.column.id') },
    ],
    servers.map((server) => [
      server.name,
      address(t, server),
      server.agent ? server.agent.version : '-',
      server.lastSyncedAt ? formatUtc(server.lastSyncedAt) : t('common.never'),
      server.id,
    ]),
  );
}

function address(t: CliWords, server: ServerInfo): string {
  const { user, host, port } = server.target;
  return t('servers.address', { user, host, port });
}

const status = positionalCommand({ usage: 'server status [NAME]', json: true }, async (context, positional) => {
  const { fleet } = context.core;
  const names = positional.name === undefined ? (await fleet.list()).map((server) => server.name) : [positional.name];
  const statuses = await Promise.all(names.map((name) => fleet.status(name)));
  const t = cliWords(context.env);
  answer(context, positional.name === undefined ? statuses : statuses[0], () =>
    statuses.length === 0 ? `${t('servers.noneYet')}\n` : statusTable(t, statuses) + xrayUsageLines(t, statuses) + problemLines(t, statuses),
  );
});

function statusTable(t: CliWords, statuses: ServerStatus[]): string {
  return formatTable(
    [
      { header: t('servers.column.name') },
      { header: t('servers.column.state') },
      { header: t('servers.column.agent') },
      { header: t('servers.column.xray') },
      { header: t('servers.column.keys'), align: 'right' },
      { header: t('servers.column.active'), align: 'right' },
      { header: t('servers.column.limited'), align: 'right' },
      { header: t('servers.column.expired'), align: 'right' },
      { header: t('servers.column.expiring', { days: EXPIRING_SOON_DAYS }), align: 'right' },
      { header: t('servers.column.reason') },
    ],
    statuses.map((status) => [
      status.server.name,
      t(`servers.state.${status.state}`),
      status.agentVersion === null ? '-' : status.agentOutdated ? t('servers.outdated', { version: status.agentVersion }) : status.agentVersion,
      xrayColumn(t, status),
      status.keyCount === null ? '-' : String(status.keyCount),
      status.activeKeyCount === null ? '-' : String(status.activeKeyCount),
      ...(['limited', 'expired', 'expiringSoon'] as const).map((count) => (status.keyLimits === null ? '-' : String(status.keyLimits[count]))),
      status.reason ?? '',
    ]),
  );
}

/** Xray's state when something is wrong with it, else its version and whether the agent supports it. */
function xrayColumn(t: CliWords, status: ServerStatus): string {
  const state = status.xray?.state;
  if (status.xrayVersion !== null && (!state || state === 'ok')) return xraySupportLabel(t, status.xrayVersion, status.xrayVersionSupport);
  return xrayCell(t, status);
}

/** Asks first: the cache it drops is the only copy of the server's history once the server itself is gone. */
const remove: Command = {
  name: 'remove',
  usage: 'server remove NAME [--yes]',
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { yes: { type: 'boolean' } }, ['name']);
    const server = positional.name;
    const confirmation = deletionConfirmation(values.yes === true, (t) => t('confirm.what.server', { server }));
    return {
      beforeCore: confirmation.beforeCore,
      async run(context) {
        if (!(await confirmation.confirmed(context, cliWords(context.env)('confirm.ask.server', { server })))) return EXIT.failed;
        await context.core.fleet.remove(server);
        context.stdout.write(`${cliWords(context.env)('done.serverRemoved', { server })}\n`);
      },
    };
  },
};

const trust: Command = {
  name: 'trust',
  usage: 'server trust NAME --accept-host-key SHA256:...',
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { 'accept-host-key': { type: 'string' } }, ['name']);
    const fingerprint = values['accept-host-key'];
    if (fingerprint === undefined) {
      throw new UsageError((t) => t('usageError.trustNeedsKey'));
    }
    return {
      async run(context) {
        const server = await context.core.fleet.trustHostKey(positional.name, fingerprint);
        const t = cliWords(context.env);
        context.stdout.write(`${t('done.hostKeyTrusted', { fingerprint, server: server.name, address: address(t, server) })}\n`);
      },
    };
  },
};

const sync = positionalCommand({ usage: 'server sync NAME' }, async (context, positional) => {
  await context.core.fleet.sync(positional.name);
  context.stdout.write(`${cliWords(context.env)('done.serverCached', { server: positional.name })}\n`);
});

const uninstall: Command = {
  name: 'uninstall',
  usage: 'server uninstall NAME [--delete-data [--yes]] [--break-lock]',
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      { 'delete-data': { type: 'boolean' }, 'break-lock': { type: 'boolean' }, yes: { type: 'boolean' } },
      ['name'],
    );
    const keepData = values['delete-data'] !== true;
    const breakLock = values['break-lock'] === true;
    const server = positional.name;
    // Without --delete-data the data stays on the server and a deploy brings the agent back to it: nothing to ask.
    const confirmation = deletionConfirmation(keepData || values.yes === true, (t) => t('confirm.what.serverData', { server }));
    return {
      beforeCore: confirmation.beforeCore,
      async run(context) {
        if (!(await confirmation.confirmed(context, cliWords(context.env)('confirm.ask.serverData', { server })))) return EXIT.failed;
        await context.core.deploy.uninstall(positional.name, breakLock ? { keepData, breakLock } : { keepData }, progressPrinter(context));
        context.stdout.write(`${cliWords(context.env)(keepData ? 'servers.uninstalledKept' : 'servers.uninstalledDeleted', { server })}\n`);
      },
    };
  },
};

const installXray: Command = {
  name: 'install-xray',
  usage: `server install-xray NAME [--version vX.Y.Z|latest (default ${PINNED_XRAY_TAG})] [--releases-url URL]`,
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { version: { type: 'string' }, 'releases-url': { type: 'string' } }, ['name']);
    const request: XrayInstallRequest = {};
    if (values.version !== undefined) request.version = values.version;
    if (values['releases-url'] !== undefined) request.releasesUrl = values['releases-url'];
    try {
      checkXrayRequest(request);
    } catch (error) {
      // The core checks again; here it makes a typo exit 2 before anything is opened.
      if (error instanceof KeyportError && error.code === 'bad-input') throw new UsageError(error.message);
      throw error;
    }
    return {
      async run(context) {
        const result = await context.core.deploy.installXray(positional.name, request, progressPrinter(context));
        const t = cliWords(context.env);
        answer(context, result, () => {
          const note = xraySupportNote(result.versionSupport);
          const installed = t('servers.xrayInstalled', { version: result.xrayVersion, path: result.binaryPath, server: positional.name });
          return `${installed}${note ? ` ${deployNoteText([note], cliLanguage(context.env))}.` : ''}\n`;
        });
      },
    };
  },
};

export const serverCommands: CommandGroup = {
  name: 'server',
  commands: [add, list, status, trust, sync, remove, deployCommand, serverSetCommand, realityCommand, settingsCommand, installXray, uninstall, checkPorts, syncConfig, ...backupCommands],
};
