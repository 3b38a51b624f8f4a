import { resolve } from 'node:path';

/**
 * The stand-in Xray every tree's tests run (the real binary cannot be had here). It lives with the
 * agent's tests, which pin its behaviour to Xray's source; this is the one place its path is written.
 */
export const FAKE_XRAY = resolve(import.meta.dirname, '../remote-agent/test/support/fake-xray/xray');
