import type { ServerSettings } from '../../../../shared/contract/api-types.ts';

/** A server's settings as a fresh agent has them (Reality target dl.google.com), for tests of what reads or patches them. */
export const SETTINGS: ServerSettings = {
  link_host: null,
  reality_target: 'dl.google.com:443',
  reality_server_names: ['dl.google.com'],
  reality_fingerprint: 'chrome',
  allow_private_destinations: false,
  access_log: false,
};
