import { readFile } from 'node:fs/promises';
import { publicKeyOf, type RealityKeys } from '../xray/reality-keys.ts';
import type { RealityOptions, XrayInbound } from '../xray/xray-config.ts';
import { probeRealityTarget, type ProbeOptions } from './reality-target-probe.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** A Reality check: an `error` makes the settings invalid, a `warning` (Xray's own) does not. */
export interface RealityCheck extends Check {
  level: 'error' | 'warning';
  /** The server name the check is about, when it is about one. */
  server_name: string | null;
}

const HOST_PORT = /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const SHORT_ID = /^([0-9a-f]{2}){0,8}$/;

/**
 * Checks the Reality settings the inbounds use and says what is wrong with each part: their form,
 * Xray's own warnings about the names, the config file, and (when the form is right) the target
 * itself, probed from this server.
 */
export async function checkReality(
  keys: RealityKeys,
  options: RealityOptions,
  configPath: string,
  probe: ProbeOptions = {},
): Promise<RealityCheck[]> {
  const form = checkForm(keys, options);
  const checks: RealityCheck[] = form.map((check) => ({ ...check, level: 'error', server_name: null }));
  checks.push(...xrayNameWarnings(options.serverNames));
  checks.push({ ...(await checkConfigFileUses(keys, options, configPath)), level: 'error', server_name: null });
  const probeable = form.filter((check) => check.name === 'target' || check.name === 'server_names').every((check) => check.ok);
  if (probeable) {
    const findings = await probeRealityTarget(options.dest, options.serverNames, probe);
    checks.push(...findings.map(({ serverName, ...finding }) => ({ ...finding, level: 'error' as const, server_name: serverName })));
  }
  return checks;
}

/** Xray's own REALITY warning (infra/conf/transport_security.go:163-168 at v26.7.28), one per name it would warn about. */
export function xrayNameWarnings(serverNames: readonly string[]): RealityCheck[] {
  return serverNames
    .filter((name) => {
      const lower = name.toLowerCase();
      return /\.(ru|ir|cn)$/.test(lower) || ['apple', 'icloud', 'microsoft'].some((word) => lower.includes(word));
    })
    .map((name) => ({
      name: 'xray_warning',
      ok: false,
      level: 'warning',
      server_name: name,
      detail: `Xray warns that the server name ${name} makes your server's IP likelier to be blocked (it names microsoft, apple or icloud, or ends in .ru, .ir or .cn): choose another target`,
    }));
}

/** A list that must not be empty and whose every item must match `form`: what is wrong names the items that do not. */
function listCheck(name: string, items: readonly string[], form: RegExp, words: { none: string; bad: string; good: string }): Check {
  const bad = items.filter((item) => !form.test(item));
  const ok = items.length > 0 && bad.length === 0;
  return { name, ok, detail: items.length === 0 ? words.none : bad.length > 0 ? `${words.bad}: ${bad.join(', ')}` : words.good };
}

function checkForm(keys: RealityKeys, options: RealityOptions): Check[] {
  const derived = publicKeyOf(keys.privateKey);
  const destMatch = HOST_PORT.exec(options.dest);
  const destPort = destMatch ? Number(destMatch[1]) : 0;
  return [
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
    listCheck('short_ids', keys.shortIds, SHORT_ID, {
      none: 'no shortIds',
      bad: 'not even-length lowercase hex of at most 16 characters',
      good: `${keys.shortIds.length} well-formed shortIds`,
    }),
    {
      name: 'target',
      ok: destMatch !== null && destPort >= 1 && destPort <= 65535,
      detail: destMatch && destPort >= 1 && destPort <= 65535 ? `target ${options.dest}` : `the target "${options.dest}" is not host:port`,
    },
    listCheck('server_names', options.serverNames, HOSTNAME, {
      none: 'no server names',
      bad: 'not exact host names',
      good: `server names ${options.serverNames.join(', ')}`,
    }),
  ];
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
