import { checkLinkHost, hostInUrl } from '../../../shared/agent-api.ts';
import type { ServerSettings, ServerSettingsPatch } from '../../../shared/contract/api-types.ts';
import type { DeployedSubscriptions, DeployOptions, DeployProgress, DeployResult } from '../../../shared/contract/deploy.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { LinkSettings, LinkSettingsChange, LinkSettingsField, LinkSettingsResult } from '../../../shared/contract/link-settings.ts';
import type { ServerOutcome } from '../../../shared/contract/people.ts';
import type { PortRange, ServerInfo } from '../../../shared/contract/servers.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { SNAPSHOTS } from '../cache/snapshot-kinds.ts';
import { checkKeyPorts, checkRangeHoldsKeys } from '../deploy/key-port-range.ts';
import { DEFAULT_API_PORT } from '../deploy/remote-layout.ts';
import { certificateNamesHost } from '../deploy/subscription-tls.ts';
import { checkSettingsPatch } from './check-settings-patch.ts';
import { dataOf, ServerCalls } from './server-calls.ts';
import { findServer } from './server-directory.ts';
import type { ServerSessions } from './server-sessions.ts';

export interface LinkSettingsDeps {
  cache: ConsoleCache;
  sessions: Pick<ServerSessions, 'client'>;
  /** Deploys the agent again (with a new key port range). */
  deploy: (server: string, options: DeployOptions, onProgress: (progress: DeployProgress) => void) => Promise<DeployResult>;
  /** After the server's links changed: the bundles of its people on other servers get them (PeopleService.pushBundlesOfServer). */
  afterLinksChanged?: (serverId: string) => Promise<ServerOutcome[]>;
  /** The certificate the server's subscription listener serves (PEM), null when it has none. */
  readSubscriptionCertificate?: (serverId: string) => Promise<string | null>;
}

const CHANGE_FIELDS: readonly LinkSettingsField[] = ['linkHost', 'realityTarget', 'realityServerNames', 'keyPorts'];

/**
 * Changes how a server's links are written (Deploy.changeLinkSettings). Order matters for "a
 * refusal changes nothing": every value is checked here first, then the server's settings, key
 * port range and keys' ports are read, and only then does anything change: the deploy a new range
 * needs (which rolls back by itself), then the settings, which the agent takes all or none, then
 * the bundles of the server's people elsewhere, which carry its links.
 */
export async function changeLinkSettings(
  deps: LinkSettingsDeps,
  serverName: string,
  change: LinkSettingsChange,
  onProgress: (progress: DeployProgress) => void,
): Promise<LinkSettingsResult> {
  const server = findServer(deps.cache, serverName);
  if (!server.agent) throw new KeyportError('agent-not-deployed', `${server.name} has no agent deployed: deploy it first, then change its link settings`, { server: server.name });
  const asked = checkChange(change, server);
  const calls = new ServerCalls(deps.cache, deps.sessions);
  // The agent's own range, not the record's: a record from before deploys chose one has none.
  const [now, ports] = await calls.write(server.id, () => ({
    send: (client) => Promise.all([client.getSettings().then((answer) => answer.data.settings), client.getPorts().then(dataOf)]),
  }));
  const newRange = asked.keyPorts && !samePorts(ports.range, asked.keyPorts) ? asked.keyPorts : undefined;
  const patch = differingSettings(asked.patch, now);
  if (newRange) checkRangeHoldsKeys(server.name, newRange, ports.assignments.map((entry) => entry.port));
  const before = linkSettingsOf(server, now, ports.range);
  const changed: LinkSettingsField[] = [];
  let deploy: DeployResult | null = null;
  if (newRange) {
    deploy = await deps.deploy(server.id, { keyPorts: newRange }, onProgress);
    // The old release runs again, with the old range: nothing else is changed either.
    if (deploy.rolledBack) return { changed, before, after: before, applied: null, deploy, bundles: [] };
    changed.push('keyPorts');
  }
  let settings = now;
  let applied: LinkSettingsResult['applied'] = null;
  if (Object.keys(patch).length > 0) {
    ({ settings, applied } = await calls.write(server.id, () => ({
      send: async (client) => (await client.updateSettings(patch)).data,
      record: (update, syncedAt) => deps.cache.putSnapshot(server.id, ...SNAPSHOTS.settings, update.settings, syncedAt),
    })));
    changed.push(...fieldsOf(patch));
  }
  // A deploy wrote the record anew, with the SSH host.
  if (patch.link_host !== undefined || deploy) noteSubscriptionHost(deps.cache, findServer(deps.cache, server.id), settings);
  const after = linkSettingsOf(findServer(deps.cache, server.id), settings, newRange ?? ports.range);
  const bundles = Object.keys(patch).length > 0 && deps.afterLinksChanged ? await pushedLinks(deps.afterLinksChanged, server) : [];
  const certificate = patch.link_host !== undefined ? await checkedCertificate(deps, server, after.linkHost) : undefined;
  return { changed: CHANGE_FIELDS.filter((field) => changed.includes(field)), before, after, applied, deploy, bundles, ...(certificate ? { subscriptionCertificate: certificate } : {}) };
}

/** The HTTPS listener's certificate against the new link host; the change is made by now, so a failed read is said, not thrown. */
async function checkedCertificate(deps: LinkSettingsDeps, server: ServerInfo, linkHost: string): Promise<LinkSettingsResult['subscriptionCertificate']> {
  const served = server.agent?.subscriptions?.certificate;
  if (!served) return undefined;
  const pem = await deps.readSubscriptionCertificate?.(server.id).catch(() => null);
  return { subject: served.subject, namesLinkHost: pem ? certificateNamesHost(pem, linkHost) : null };
}

/** The settings are changed by now: a failure to pass the links on is reported, not thrown. */
async function pushedLinks(push: (serverId: string) => Promise<ServerOutcome[]>, server: ServerInfo): Promise<ServerOutcome[]> {
  try {
    return await push(server.id);
  } catch (error) {
    const code = error instanceof KeyportError ? error.code : 'unexpected';
    return [{ server: server.name, done: false, what: "the new links into people's subscriptions on their other servers", code, message: error instanceof Error ? error.message : String(error) }];
  }
}

/** The change as the agent takes it, checked: throws `bad-input` naming the field, before anything is sent. */
function checkChange(change: LinkSettingsChange, server: ServerInfo): { patch: ServerSettingsPatch; keyPorts?: PortRange } {
  if (typeof change !== 'object' || change === null || !CHANGE_FIELDS.some((field) => change[field] !== undefined)) {
    throw new KeyportError('bad-input', 'a link settings change must give at least one of the link host, the Reality target, the server names or the key ports');
  }
  const patch: ServerSettingsPatch = {};
  if (change.linkHost !== undefined) {
    const checked = change.linkHost === null ? null : checkLinkHost(change.linkHost);
    if (checked && !checked.ok) throw new KeyportError('bad-input', checked.detail, { field: 'link_host' });
    patch.link_host = checked ? checked.host : null;
  }
  if (change.realityTarget !== undefined) patch.reality_target = change.realityTarget.trim();
  if (change.realityServerNames !== undefined) patch.reality_server_names = change.realityServerNames.map((name) => name.trim()).filter(Boolean);
  if (Object.keys(patch).length > 0) checkSettingsPatch(patch);
  if (change.keyPorts === undefined) return { patch };
  const apiPort = server.agent?.apiPort ?? DEFAULT_API_PORT;
  const keyPorts = checkKeyPorts(change.keyPorts, apiPort);
  const subscriptionPort = server.agent?.subscriptions?.port;
  if (subscriptionPort !== undefined && subscriptionPort >= keyPorts.from && subscriptionPort <= keyPorts.to) {
    throw new KeyportError('bad-input', `key ports ${keyPorts.from}-${keyPorts.to} hold the subscription port ${subscriptionPort}`, { field: 'keyPorts' });
  }
  return { patch, keyPorts };
}

/** Only what differs from the server's settings now: sending the same value again would still re-add every inbound. */
function differingSettings(patch: ServerSettingsPatch, now: ServerSettings): ServerSettingsPatch {
  const differing: ServerSettingsPatch = {};
  // An agent from before link hosts has none: null, as far as a change goes.
  if (patch.link_host !== undefined && patch.link_host !== (now.link_host ?? null)) differing.link_host = patch.link_host;
  if (patch.reality_target !== undefined && patch.reality_target !== now.reality_target) differing.reality_target = patch.reality_target;
  if (patch.reality_server_names !== undefined && patch.reality_server_names.join(',') !== now.reality_server_names.join(',')) {
    differing.reality_server_names = patch.reality_server_names;
  }
  return differing;
}

function fieldsOf(patch: ServerSettingsPatch): LinkSettingsField[] {
  return [
    ...(patch.link_host !== undefined ? (['linkHost'] as const) : []),
    ...(patch.reality_target !== undefined ? (['realityTarget'] as const) : []),
    ...(patch.reality_server_names !== undefined ? (['realityServerNames'] as const) : []),
  ];
}

/** The server's record keeps the subscription links' start as it is now: it names the link host. */
function noteSubscriptionHost(cache: ConsoleCache, server: ServerInfo, settings: ServerSettings): void {
  const subscriptions = server.agent?.subscriptions;
  if (!server.agent || !subscriptions) return;
  cache.saveServer({ ...server, agent: { ...server.agent, subscriptions: subscriptionsNaming(subscriptions, settings.link_host ?? server.target.host) } });
}

/** A deployed subscription listener as its links start when they name `host` (the agent puts the link host in a base derived from the SSH host). */
export function subscriptionsNaming(subscriptions: DeployedSubscriptions, host: string): DeployedSubscriptions {
  const scheme = subscriptions.certificate ? 'https' : 'http';
  return { ...subscriptions, urlBase: `${scheme}://${hostInUrl(host)}:${subscriptions.port}` };
}

function linkSettingsOf(server: ServerInfo, settings: ServerSettings, keyPorts: PortRange): LinkSettings {
  return {
    linkHost: settings.link_host ?? server.target.host,
    linkHostSet: typeof settings.link_host === 'string',
    realityTarget: settings.reality_target,
    realityServerNames: settings.reality_server_names,
    keyPorts: { from: keyPorts.from, to: keyPorts.to },
  };
}

const samePorts = (a: PortRange, b: PortRange) => a.from === b.from && a.to === b.to;
