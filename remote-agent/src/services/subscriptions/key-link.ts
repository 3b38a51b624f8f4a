import { buildVlessUrl } from '../../lib/vless-url.ts';
import type { KeyRecord } from '../store/key-store.ts';
import type { RealityKeys } from '../xray/reality-keys.ts';
import type { RealityOptions } from '../xray/xray-config.ts';

/** What a key's own link is made of besides the key: the server's address and Reality parameters. */
export interface LinkSource {
  /** The host clients connect to now: the link host setting, else --public-host. */
  linkHost: () => string;
  realityKeys: RealityKeys;
  xray: { readonly realityOptions: RealityOptions };
}

/** The key's vless:// link on this server, as /config and the subscription give it. */
export function keyLink({ linkHost, realityKeys, xray }: LinkSource, key: KeyRecord): string {
  const options = xray.realityOptions;
  return buildVlessUrl({
    uuid: key.uuid,
    host: linkHost(),
    port: key.port,
    serverName: options.serverNames[0] ?? '',
    fingerprint: options.fingerprint,
    publicKey: realityKeys.publicKey,
    shortId: realityKeys.shortIds[0] ?? '',
    name: key.name,
  });
}
