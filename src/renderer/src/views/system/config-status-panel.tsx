import type { ConfigStatusReport } from '../../../../shared/contract/api-types.ts';
import { CheckMark } from '../../components/check-mark.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useOperation } from '../../state/operations-store.ts';
import { selectLastSync, syncConfigOperation, useSystemStore } from '../../state/system-store.ts';
import { xrayUsageWords } from '../../format/xray-usage-words.ts';

type XrayBinary = ConfigStatusReport['xray']['binary'];

/** Said only when the agent cannot fully rely on the installed Xray; an older agent reports nothing. */
function XraySupportRow({ support }: { support: XrayBinary['version_support'] | undefined }) {
  if (!support || support.support === 'ok') return null;
  const text = {
    'too-old': `too old: the agent's config needs Xray ${support.minimum} or later; install ${support.checked}`,
    'newer-than-checked': `newer than ${support.checked}, the version Keyport was checked against`,
    unknown: `not an Xray that answers as Xray ${support.checked} does; whether the agent works with it is unknown`,
  }[support.support];
  return (
    <>
      <dt>Xray version</dt>
      <dd data-testid="xray-version-support" data-support={support.support}>
        <CheckMark ok={false} no={text} />
      </dd>
    </>
  );
}

const portList = (ports: number[]) => (ports.length > 12 ? `${ports.slice(0, 12).join(', ')} … (${ports.length})` : ports.join(', '));
const tagList = (tags: string[]) => (tags.length > 6 ? `${tags.slice(0, 6).join(', ')} … (${tags.length})` : tags.join(', '));

/** Xray and the firewall against the keys: what runs, what differs, and the button that fixes it. */
export function ConfigStatusPanel({ serverId, status }: { serverId: string; status: ConfigStatusReport }) {
  const syncConfig = useSystemStore((state) => state.syncConfig);
  const lastSync = useSystemStore(selectLastSync(serverId));
  const sync = useOperation(syncConfigOperation(serverId));
  const { xray, firewall } = status;
  const usage = xrayUsageWords(xray.process);
  const differences = [
    ...diffLines('Xray config file', xray.config_file),
    ...(xray.live ? diffLines('Running Xray', xray.live) : []),
    firewall.missing_ports.length > 0 && `Firewall rules missing for ports ${portList(firewall.missing_ports)}`,
    firewall.extra_ports.length > 0 && `Firewall rules for ports no key has: ${portList(firewall.extra_ports)}`,
    firewall.incomplete_ports.length > 0 && `Incomplete firewall rules on ports ${portList(firewall.incomplete_ports)}`,
    firewall.wrong_block_state_ports.length > 0 && `Wrong block state on ports ${portList(firewall.wrong_block_state_ports)}`,
  ].filter((line): line is string => typeof line === 'string');

  return (
    <section className="panel" data-testid="config-status">
      <h2>Xray and firewall</h2>
      <dl className="facts">
        <dt>Xray</dt>
        <dd data-testid="xray-status">
          {xray.binary.installed ? `version ${xray.binary.version ?? 'unknown'}` : `not installed at ${xray.binary.path}`} ·{' '}
          <CheckMark ok={xray.process.running} yes={`running (pid ${xray.process.pid ?? '?'})`} no="not running" /> ·{' '}
          <CheckMark ok={xray.api.reachable} yes={`API at ${xray.api.address}`} no={`API unreachable${xray.api.error ? `: ${xray.api.error}` : ''}`} />
        </dd>
        {xray.binary.installed && <XraySupportRow support={xray.binary.version_support} />}
        {usage && (
          <>
            <dt>Xray uses</dt>
            <dd data-testid="xray-usage">{usage}</dd>
          </>
        )}
        <dt>Inbounds</dt>
        <dd>
          {xray.expected_inbounds.toLocaleString()} expected{xray.live ? `, ${xray.live.inbounds.toLocaleString()} running` : ''}
        </dd>
        <dt>Firewall</dt>
        <dd>{firewall.available ? <CheckMark ok={firewall.in_sync} yes="rules in step" no="rules differ" /> : <CheckMark ok={false} no="iptables not available" />}</dd>
        <dt>Config</dt>
        <dd data-testid="config-in-sync" data-in-sync={status.in_sync}>
          <CheckMark ok={status.in_sync} yes="in sync with the keys" no="out of sync" />
        </dd>
        {xray.last_apply && (
          <>
            <dt>Last apply</dt>
            <dd>
              {new Date(xray.last_apply.at_ms).toLocaleString()} by {xray.last_apply.method}: <CheckMark ok={xray.last_apply.ok} yes="ok" no="failed" />{' '}
              {xray.last_apply.detail}
            </dd>
          </>
        )}
      </dl>
      {differences.length > 0 && (
        <ul className="differences" data-testid="config-differences">
          {differences.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <div className="panel-actions">
        <button type="button" className="primary" onClick={() => void syncConfig(serverId)} disabled={sync.running} data-testid="system-sync">
          Sync now
        </button>
        {sync.running && <Spinner label="Bringing Xray and the firewall in line…" />}
        {lastSync && !sync.running && (
          <span className="muted" data-testid="system-sync-result">
            Last sync: firewall +{lastSync.firewall.added.length} −{lastSync.firewall.removed.length} repaired {lastSync.firewall.repaired.length}; Xray
            by {lastSync.xray.method}: {lastSync.xray.ok ? 'ok' : `failed (${lastSync.xray.detail})`}.
          </span>
        )}
      </div>
      <InlineError message={sync.error} testId="system-sync-error" />
    </section>
  );
}

function diffLines(what: string, diff: { missing_inbounds: string[]; extra_inbounds: string[]; changed_inbounds: string[] }): string[] {
  return [
    diff.missing_inbounds.length > 0 && `${what} lacks inbounds ${tagList(diff.missing_inbounds)}`,
    diff.extra_inbounds.length > 0 && `${what} has inbounds no key has: ${tagList(diff.extra_inbounds)}`,
    diff.changed_inbounds.length > 0 && `${what} has changed inbounds ${tagList(diff.changed_inbounds)}`,
  ].filter((line): line is string => typeof line === 'string');
}
