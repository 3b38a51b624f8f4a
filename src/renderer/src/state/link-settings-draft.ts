import { checkLinkHost } from '../../../shared/agent-api.ts';
import type { ServerSettings } from '../../../shared/contract/api-types.ts';
import type { LinkSettings, LinkSettingsChange } from '../../../shared/contract/link-settings.ts';
import type { PortRange, ServerInfo } from '../../../shared/contract/servers.ts';

/** The link settings dialog's fields, as typed. An empty link host means the server's SSH host. */
export interface LinkSettingsDraft {
  linkHost: string;
  realityTarget: string;
  realityServerNames: string;
  keyPortsFrom: string;
  keyPortsTo: string;
}

/** What the fields ask to change (nothing left out is sent), or which field cannot be sent as typed. */
export type LinkSettingsChoice = { ok: true; change: LinkSettingsChange } | { ok: false; problem: 'link-host' | 'key-ports' };

/** The fields as the server has them now. */
export function linkSettingsDraftOf(current: LinkSettings): LinkSettingsDraft {
  return {
    linkHost: current.linkHostSet ? current.linkHost : '',
    realityTarget: current.realityTarget,
    realityServerNames: current.realityServerNames.join(', '),
    keyPortsFrom: String(current.keyPorts.from),
    keyPortsTo: String(current.keyPorts.to),
  };
}

const splitNames = (text: string) => text.split(',').map((name) => name.trim()).filter(Boolean);
const portOf = (text: string) => (/^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN);

/**
 * The fields that differ from the server's settings, as the contract's change. The link host and
 * the two ports are checked here so the dialog says which field is wrong; the Reality values, and
 * whether the range holds the keys, are the core's to judge.
 */
export function linkSettingsChoice(draft: LinkSettingsDraft, current: LinkSettings): LinkSettingsChoice {
  const change: LinkSettingsChange = {};
  const host = draft.linkHost.trim();
  if (host === '') {
    if (current.linkHostSet) change.linkHost = null;
  } else {
    const checked = checkLinkHost(host);
    if (!checked.ok) return { ok: false, problem: 'link-host' };
    if (!current.linkHostSet || checked.host !== current.linkHost) change.linkHost = checked.host;
  }
  const target = draft.realityTarget.trim();
  if (target !== current.realityTarget) change.realityTarget = target;
  const names = splitNames(draft.realityServerNames);
  if (names.join(',') !== current.realityServerNames.join(',')) change.realityServerNames = names;
  const from = portOf(draft.keyPortsFrom);
  const to = portOf(draft.keyPortsTo);
  if (!(from >= 1 && from <= 65535 && to >= 1 && to <= 65535 && from <= to)) return { ok: false, problem: 'key-ports' };
  if (from !== current.keyPorts.from || to !== current.keyPorts.to) change.keyPorts = { from, to };
  return { ok: true, change };
}

/** Whether the change touches what every key's link carries (the key port range leaves existing links alone). */
export const changesLinks = (change: LinkSettingsChange): boolean =>
  change.linkHost !== undefined || change.realityTarget !== undefined || change.realityServerNames !== undefined;

/** How the server's links are written now: its settings, the SSH host of its record, its agent's key port range. */
export function currentLinkSettings(settings: ServerSettings, server: ServerInfo, keyPorts: PortRange): LinkSettings {
  return {
    linkHost: settings.link_host ?? server.target.host,
    linkHostSet: typeof settings.link_host === 'string',
    realityTarget: settings.reality_target,
    realityServerNames: settings.reality_server_names,
    keyPorts,
  };
}

/** Each field's label under `system.links` of the window's words. */
export const FIELD_WORDS = { linkHost: 'linkHost', realityTarget: 'target', realityServerNames: 'names', keyPorts: 'keyPorts' } as const satisfies Record<keyof LinkSettingsChange, string>;
