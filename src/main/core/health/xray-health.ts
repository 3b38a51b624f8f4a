import type { ConfigStatusReport } from '../../../shared/contract/api-types.ts';
import type { XrayHealth, XrayHealthState } from '../../../shared/contract/server-health.ts';

/** Xray's health from the agent's config-status: the facts, and the worst of them as a state. */
export function xrayHealthOf(report: ConfigStatusReport): XrayHealth {
  const { xray, firewall } = report;
  const live = xray.live;
  return {
    state: stateOf(xray),
    binaryPath: xray.binary.path,
    installed: xray.binary.installed,
    running: xray.process.running,
    pid: xray.process.pid,
    // An agent older than these fields leaves them out.
    rssBytes: xray.process.rss_bytes ?? null,
    openFds: xray.process.open_fds ?? null,
    openFilesLimit: xray.process.open_files_limit ?? null,
    liveInbounds: live ? live.inbounds : null,
    apiReachable: xray.api.reachable,
    apiError: xray.api.error,
    inSync: xray.in_sync,
    expectedInbounds: xray.expected_inbounds,
    missingInbounds: live ? live.missing_inbounds.length : xray.expected_inbounds,
    extraInbounds: live ? live.extra_inbounds.length : 0,
    changedInbounds: live ? live.changed_inbounds.length : 0,
    lastApplyError: xray.last_apply && !xray.last_apply.ok ? xray.last_apply.detail : null,
    firewallInSync: firewall.in_sync,
    notServing: xray.not_serving.map((entry) => ({ keyId: entry.key_id, port: entry.port, problem: entry.problem, detail: entry.detail })),
    strayPids: xray.stray_processes.map((stray) => stray.pid),
    routingInSync: xray.config_file.routing.in_sync,
    privateDestinationsBlocked: xray.config_file.routing.private_destinations_blocked,
    versionSupport: xray.binary.version_support ?? null,
  };
}

function stateOf(xray: ConfigStatusReport['xray']): XrayHealthState {
  if (!xray.binary.installed) return 'missing';
  if (!xray.process.running) return 'down';
  if (!xray.api.reachable) return 'api-unreachable';
  if (!xray.in_sync) return 'out-of-sync';
  return 'ok';
}
