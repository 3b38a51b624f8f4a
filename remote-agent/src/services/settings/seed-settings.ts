import { readFile } from 'node:fs/promises';
import type { AgentFlags } from '../../config/agent-flags.ts';
import { isKeyportTag } from '../xray/xray-config.ts';
import type { ServerSettings } from './server-settings.ts';

/**
 * The settings a server starts with before any are stored: the flags, except that Reality's
 * target and names come from the Xray config an older agent left, so upgrading never changes the
 * names in links people already have.
 */
export async function seedSettings(flags: AgentFlags): Promise<ServerSettings> {
  const fromFlags: ServerSettings = {
    linkHost: null,
    realityTarget: flags.realityTarget,
    realityServerNames: flags.realityServerNames,
    realityFingerprint: flags.realityFingerprint,
    allowPrivateDestinations: false,
    accessLog: false,
  };
  const existing = await existingReality(flags.xrayConfig);
  return existing ? { ...fromFlags, realityTarget: existing.target, realityServerNames: existing.serverNames } : fromFlags;
}

async function existingReality(configPath: string): Promise<{ target: string; serverNames: string[] } | undefined> {
  try {
    const config = JSON.parse(await readFile(configPath, 'utf8')) as {
      inbounds?: Array<{ tag?: string; streamSettings?: { realitySettings?: { dest?: string; target?: string; serverNames?: string[] } } }>;
    };
    const reality = config.inbounds?.find((inbound) => isKeyportTag(inbound.tag ?? ''))?.streamSettings?.realitySettings;
    const target = reality?.target ?? reality?.dest;
    const names = reality?.serverNames?.filter((name) => typeof name === 'string' && name !== '');
    return typeof target === 'string' && names && names.length > 0 ? { target, serverNames: names } : undefined;
  } catch {
    return undefined;
  }
}
