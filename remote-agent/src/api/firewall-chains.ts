/**
 * The iptables chains the agent owns. Part of what clients need: uninstalling the agent (its
 * process gone) removes them from the console over SSH.
 */
export const CHAIN_IN = 'KEYPORT_IN';
export const CHAIN_OUT = 'KEYPORT_OUT';
/** Accepts the key port range, for hosts whose INPUT drops by default (`--open-key-ports`). */
export const CHAIN_OPEN = 'KEYPORT_OPEN';
