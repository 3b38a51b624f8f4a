import type { ConfigStatusReport } from '../../../../shared/contract/api-types.ts';

/** An inbound diff of the agent's config-status: in sync unless tags are missing or extra. */
export const inboundDiff = (missing: string[] = [], extra: string[] = []) => ({ in_sync: missing.length + extra.length === 0, missing_inbounds: missing, extra_inbounds: extra, changed_inbounds: [] });

/** xray.process of an Xray that does not run. */
export const NOT_RUNNING: ConfigStatusReport['xray']['process'] = { running: false, pid: null, rss_bytes: null, open_fds: null, open_files_limit: null };

/** A config-status as the agent answers it: Xray installed, running and in step with two active keys, unless changed. */
export function configStatus(change: (xray: ConfigStatusReport['xray']) => void = () => undefined): ConfigStatusReport {
  const xray: ConfigStatusReport['xray'] = {
    in_sync: true,
    expected_inbounds: 2,
    binary: { path: '/usr/local/bin/xray', installed: true, version: 'Xray 26.7.28 (Xray, Penetrates Everything.)', version_support: { version: '26.7.28', support: 'ok', minimum: '1.8.12', checked: '26.7.28' } },
    process: { running: true, pid: 4242, rss_bytes: 48 * 1024 * 1024, open_fds: 14, open_files_limit: 524_288 },
    api: { address: '127.0.0.1:10085', reachable: true, error: null },
    config_file: {
      path: '/var/lib/keyport/xray-config.json',
      exists: true,
      ...inboundDiff(),
      routing: { in_sync: true, private_destinations_blocked: true, detail: 'VPN users cannot reach the server itself or private networks' },
    },
    live: { inbounds: 2, ...inboundDiff() },
    not_serving: [],
    stray_processes: [],
    last_apply: null,
  };
  change(xray);
  const firewall = { available: true, in_sync: true, missing_ports: [], extra_ports: [], incomplete_ports: [], wrong_block_state_ports: [] };
  return { in_sync: xray.in_sync, xray, firewall };
}

