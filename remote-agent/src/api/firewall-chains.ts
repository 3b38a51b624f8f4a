/**
 * The firewall objects the agent owns. Part of what clients need: uninstalling the agent (its
 * process gone) removes them from the console over SSH.
 */

/** The agent's nftables table (family inet: IPv4 and IPv6 alike), holding its counting sets and chains. */
export const NFT_TABLE = 'keyport';
/** The iptables counting chains of agents before the nftables table; an upgraded agent removes them at start. */
export const CHAIN_IN = 'KEYPORT_IN';
export const CHAIN_OUT = 'KEYPORT_OUT';
/**
 * Accepts the key port range, for hosts whose iptables INPUT drops by default (`--open-key-ports`).
 * It stays in iptables: an nftables accept in another table cannot overrule iptables' drop.
 */
export const CHAIN_OPEN = 'KEYPORT_OPEN';
