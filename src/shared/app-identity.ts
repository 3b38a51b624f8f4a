/** The contract every layer shares starts here; it imports nothing of ours, no node:, no DOM. */
export const APP_NAME = 'Keyport';
