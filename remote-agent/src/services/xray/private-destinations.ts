/**
 * Destinations a VPN user must never reach through the server: the server itself and whatever sits
 * next to it (the agent's API and Xray's unauthenticated gRPC API on loopback, other local
 * services, the provider's private network, the cloud metadata service at 169.254.169.254).
 *
 * Listed by CIDR so no geoip.dat is needed, and written as an ordinary routing rule that every
 * VLESS core honours. Xray >= v26.5.3 blocks a similar list by default for VLESS inbounds
 * (proxy/freedom/freedom.go getDefaultFinalRule, list in common/geodata/consts.go:9-30 at v26.7.28),
 * but older Xray, other cores, and a config with its own finalRules do not; so the agent says it
 * itself. Documentation ranges stay reachable (a test's "outside" host lives in 2001:db8::/32).
 *
 * No IPv4-mapped range (::ffff:0:0/96): Xray turns a mapped address into IPv4 before matching
 * (common/net/address.go:107-108), so 127.0.0.0/8 already covers ::ffff:127.0.0.1, and a mapped
 * CIDR parses as IPv4 with a prefix over 32, which fails the whole config
 * (common/geodata/rule_parser.go:103-121).
 */
export const PRIVATE_DESTINATION_CIDRS: readonly string[] = [
  '0.0.0.0/8', // "this network"; 0.0.0.0 reaches the server's own listeners on Linux
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // CGNAT (RFC 6598)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, incl. the cloud metadata service 169.254.169.254
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking, used as internal space by some providers
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, incl. broadcast 255.255.255.255
  '::/127', // unspecified and loopback (::1)
  '64:ff9b:1::/48', // local-use NAT64 (RFC 8215)
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'ff00::/8', // multicast
];

/** Names that always mean this host (RFC 6761), caught before any resolution. */
export const PRIVATE_DESTINATION_DOMAINS: readonly string[] = ['full:localhost', 'domain:localhost'];

export const BLOCK_OUTBOUND_TAG = 'block';
export const PRIVATE_DESTINATIONS_RULE_TAG = 'keyport-private-destinations';
export const PRIVATE_NAMES_RULE_TAG = 'keyport-private-names';

interface BlockRule {
  type: 'field';
  ruleTag: string;
  outboundTag: string;
}

export type PrivateDestinationsRule = (BlockRule & { domain: string[] }) | (BlockRule & { ip: string[] });

/**
 * Names and addresses in two rules, never one: a rule matches only when every field of it matches
 * (Xray builds a rule's fields into one ConditionChan, app/router/config.go:33-118, whose Apply
 * needs all, app/router/condition.go:35-42; the domain condition fails for a destination given as
 * an address, condition.go:63-68). One rule with both `domain` and `ip` would block only names that
 * resolve into the ranges, and let 127.0.0.1 or 169.254.169.254 themselves through: seen with
 * v2ray 4.34 serving the config (e2e/vpn/private-destinations.e2e.test.ts).
 */
export function privateDestinationsRules(): PrivateDestinationsRule[] {
  return [
    { type: 'field', ruleTag: PRIVATE_NAMES_RULE_TAG, domain: [...PRIVATE_DESTINATION_DOMAINS], outboundTag: BLOCK_OUTBOUND_TAG },
    { type: 'field', ruleTag: PRIVATE_DESTINATIONS_RULE_TAG, ip: [...PRIVATE_DESTINATION_CIDRS], outboundTag: BLOCK_OUTBOUND_TAG },
  ];
}
