import { readFile } from 'node:fs/promises';
import { publicKeyOf, type RealityKeys } from '../xray/reality-keys.ts';
import type { RealityOptions, XrayInbound } from '../xray/xray-config.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const HOST_PORT = /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const SHORT_ID = /^([0-9a-f]{2}){0,8}$/;

/** Checks the Reality settings the inbounds use and says what is wrong with each part. */
export async function checkReality(keys: RealityKeys, options: RealityOptions, configPath: string): Promise<Check[]> {
  const derived = publicKeyOf(keys.privateKey);
  const badShortIds = keys.shortIds.filter((id) => !SHORT_ID.test(id));
  const destMatch = HOST_PORT.exec(options.dest);
  const destPort = destMatch ? Number(destMatch[1]) : 0;
  const badNames = options.serverNames.filter((name) => !HOSTNAME.test(name));
  const checks: Check[] = [
    {
      name: 'key_pair',
      ok: derived !== undefined && derived === keys.publicKey,
      detail:
        derived === undefined
          ? 'the private key is not a base64url 32-byte x25519 key'
          : derived === keys.publicKey
            ? 'the public key belongs to the private key'
            : 'the public key does not belong to the private key',
    },
    {
      name: 'short_ids',
      ok: keys.shortIds.length > 0 && badShortIds.length === 0,
      detail:
        keys.shortIds.length === 0
          ? 'no shortIds'
          : badShortIds.length > 0
            ? `not even-length lowercase hex of at most 16 characters: ${badShortIds.join(', ')}`
            : `${keys.shortIds.length} well-formed shortIds`,
    },
    {
      name: 'dest',
      ok: destMatch !== null && destPort >= 1 && destPort <= 65535,
      detail: destMatch && destPort >= 1 && destPort <= 65535 ? `dest ${options.dest}` : `dest "${options.dest}" is not host:port`,
    },
    {
      name: 'server_names',
      ok: options.serverNames.length > 0 && badNames.length === 0,
      detail:
        options.serverNames.length === 0
          ? 'no server names'
          : badNames.length > 0
            ? `not exact host names: ${badNames.join(', ')}`
            : `server names ${options.serverNames.join(', ')}`,
    },
  ];
  checks.push(await checkConfigFileUses(keys, options, configPath));
  return checks;
}

async function checkConfigFileUses(keys: RealityKeys, options: RealityOptions, configPath: string): Promise<Check> {
  let inbounds: XrayInbound[];
  try {
    inbounds = (JSON.parse(await readFile(configPath, 'utf8')) as { inbounds?: XrayInbound[] }).inbounds ?? [];
  } catch {
    return { name: 'config_file', ok: false, detail: `the Xray config ${configPath} is missing or not JSON` };
  }
  const stale = inbounds.filter((inbound) => {
    const settings = inbound.streamSettings?.realitySettings;
    return (
      !settings ||
      settings.privateKey !== keys.privateKey ||
      settings.dest !== options.dest ||
      JSON.stringify(settings.serverNames) !== JSON.stringify(options.serverNames) ||
      JSON.stringify(settings.shortIds) !== JSON.stringify(keys.shortIds) ||
      !settings.minClientVer
    );
  });
  return {
    name: 'config_file',
    ok: stale.length === 0,
    detail:
      stale.length === 0
        ? `all ${inbounds.length} inbounds in the config file use these settings`
        : `${stale.length} inbounds in the config file use other Reality settings: run sync-config`,
  };
}
