import type { PortCheck, ServerProblem, XrayHealth } from '../../../shared/contract/server-health.ts';

/** Why keys' links would not work, worst first: what Xray lacks, then what the firewall or the port check found. */
export function serverProblems(xray: XrayHealth | null, portCheck: PortCheck | null, keyNames: ReadonlyMap<string, string> = new Map()): ServerProblem[] {
  const problems: ServerProblem[] = [];
  if (xray) {
    if (xray.state === 'missing') problems.push({ code: 'xray-missing', fix: 'install-xray', binaryPath: xray.binaryPath });
    else if (xray.state === 'down') problems.push({ code: 'xray-down', fix: 'sync-config', lastError: xray.lastApplyError });
    else if (xray.state === 'api-unreachable') problems.push({ code: 'xray-api-unreachable', fix: 'sync-config', error: xray.apiError });
    else if (xray.state === 'out-of-sync') {
      const { expectedInbounds, missingInbounds, extraInbounds, changedInbounds } = xray;
      if (missingInbounds + extraInbounds + changedInbounds > 0) {
        problems.push({ code: 'xray-out-of-sync', fix: 'sync-config', expectedInbounds, missingInbounds, extraInbounds, changedInbounds });
      }
      if (xray.notServing.length > 0) {
        const keys = xray.notServing.map((entry) => ({ keyId: entry.keyId, name: keyNames.get(entry.keyId) ?? entry.keyId, reason: entry.detail }));
        problems.push({ code: 'keys-not-serving', fix: 'sync-config', keys });
      }
      if (xray.strayPids.length > 0) problems.push({ code: 'xray-duplicate', fix: 'sync-config', pids: xray.strayPids });
    }
    const support = xray.versionSupport;
    if (xray.installed && support && (support.support === 'too-old' || support.support === 'newer-than-checked')) {
      const reason =
        support.support === 'too-old'
          ? `is older than ${support.minimum}, the oldest release whose config the agent writes`
          : `is newer than ${support.checked}, the release Keyport was checked against`;
      problems.push({ code: 'xray-version-unsupported', fix: 'install-xray', version: support.version, support: support.support, reason });
    }
    if (!xray.routingInSync) problems.push({ code: 'routing-out-of-sync', fix: 'sync-config', privateDestinationsBlocked: xray.privateDestinationsBlocked });
    if (!xray.firewallInSync) problems.push({ code: 'firewall-out-of-sync', fix: 'sync-config' });
  }
  if (portCheck && !portCheck.reachable) {
    const { host, port, keyPorts } = portCheck;
    problems.push({ code: 'port-unreachable', fix: 'open-firewall', host, port, keyPorts, failure: portCheck.failure ?? 'other' });
  }
  return problems;
}
