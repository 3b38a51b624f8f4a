/**
 * The firewall objects the agent owns. Part of what clients need: uninstalling the agent (its
 * process gone) removes them from the console over SSH.
 */

/** The agent's ipset sets (bitmap:port, no address family: IPv4 and IPv6 rules match them alike). */
export const IPSET_RX = 'keyport-rx';
export const IPSET_TX = 'keyport-tx';
export const IPSET_SYN = 'keyport-syn';
export const IPSET_BLOCKED = 'keyport-blocked';
export const IPSETS = [IPSET_RX, IPSET_TX, IPSET_SYN, IPSET_BLOCKED] as const;
/** The agent's counting chains in iptables' mangle table, jumped to first from INPUT and OUTPUT. */
export const MANGLE_IN = 'KEYPORT_COUNT_IN';
export const MANGLE_OUT = 'KEYPORT_COUNT_OUT';
/** The nftables table (family inet) of agents between the iptables chains and ipset; an upgraded agent removes it at start. */
export const NFT_TABLE = 'keyport';
/** The iptables counting chains of agents before the nftables table; an upgraded agent removes them at start. */
export const CHAIN_IN = 'KEYPORT_IN';
export const CHAIN_OUT = 'KEYPORT_OUT';
/**
 * Accepts the key port range and the subscription listener's port, for hosts whose iptables INPUT
 * drops by default (`--open-key-ports`).
 * It stays in iptables: an nftables accept in another table cannot overrule iptables' drop.
 */
export const CHAIN_OPEN = 'KEYPORT_OPEN';
