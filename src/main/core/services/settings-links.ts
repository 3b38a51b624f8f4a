import type { ServerSettingsPatch } from '../../../shared/contract/api-types.ts';

/** The settings every key's vless:// link carries (its host, SNI and uTLS fingerprint); the Reality target is not one. */
const LINK_SETTINGS: readonly (keyof ServerSettingsPatch)[] = ['link_host', 'reality_server_names', 'reality_fingerprint'];

/** Whether a settings change rewrites the server's links, so that people's bundles on other servers must get them. */
export function changesLinks(patch: ServerSettingsPatch): boolean {
  return LINK_SETTINGS.some((field) => patch[field] !== undefined);
}
