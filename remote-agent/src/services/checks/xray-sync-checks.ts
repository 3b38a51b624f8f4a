import type { InboundDiff, XrayStatus } from '../xray/xray-manager.ts';

export interface SyncCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * validate-sync's checks: the config file passes `xray run -test`, it and the running Xray serve
 * exactly the active keys, its routing keeps users off the server as the settings say, and every
 * active key's port is held by our Xray alone. `test` is undefined when there is no Xray binary.
 */
export function checkXraySync(test: { ok: boolean; output: string } | undefined, status: XrayStatus): SyncCheck[] {
  return [
    {
      name: 'config_test',
      ok: test?.ok ?? false,
      detail: test ? test.output || (test.ok ? 'xray run -test passed' : 'xray run -test failed') : `no Xray binary at ${status.binary.path}`,
    },
    {
      name: 'file_matches_keys',
      ok: status.config_file.exists && status.config_file.in_sync,
      detail: describeDiff(status.config_file.exists ? status.config_file : null, 'the config file'),
    },
    {
      name: 'routing_blocks_private_destinations',
      ok: status.config_file.routing.in_sync,
      detail: status.config_file.routing.detail,
    },
    {
      name: 'keys_served',
      ok: status.api.reachable && status.not_serving.length === 0 && status.stray_processes.length === 0,
      detail: describeServing(status),
    },
    {
      name: 'live_matches_keys',
      ok: status.live?.in_sync ?? false,
      detail: status.live ? describeDiff(status.live, 'the running Xray') : `Xray API unreachable: ${status.api.error ?? ''}`.trim(),
    },
  ];
}

function describeDiff(diff: Pick<InboundDiff, 'missing_inbounds' | 'extra_inbounds' | 'changed_inbounds'> | null, where: string): string {
  if (!diff) return `${where} does not exist`;
  const parts = [
    diff.missing_inbounds.length && `${diff.missing_inbounds.length} inbounds missing`,
    diff.extra_inbounds.length && `${diff.extra_inbounds.length} stray inbounds`,
    diff.changed_inbounds.length && `${diff.changed_inbounds.length} inbounds out of date`,
  ].filter(Boolean);
  return parts.length === 0 ? `${where} serves exactly the active keys` : `${where}: ${parts.join(', ')}`;
}

function describeServing(status: XrayStatus): string {
  if (!status.api.reachable) return 'the Xray API does not answer';
  const parts = [
    ...status.not_serving.slice(0, 3).map((entry) => `key ${entry.key_id}: ${entry.detail}`),
    status.not_serving.length > 3 ? `${status.not_serving.length - 3} more keys not served` : '',
    status.stray_processes.length ? `${status.stray_processes.length} other Xray process(es) share our ports: ${status.stray_processes.map((p) => p.pid).join(', ')}` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'every active key has a listening inbound' : parts.join('; ');
}
