/** The contract every layer shares starts here; it imports nothing of ours, no node:, no DOM. */
export const APP_NAME = 'Keyport';
export const AGENT_API_VERSION = '2.1.3';
