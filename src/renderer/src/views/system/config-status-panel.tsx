import { Trans, useTranslation } from 'react-i18next';
import type { ConfigStatusReport } from '../../../../shared/contract/api-types.ts';
import { CheckMark } from '../../components/check-mark.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useOperation } from '../../state/operations-store.ts';
import { selectLastSync, syncConfigOperation, useSystemStore } from '../../state/system-store.ts';
import { formatUtcTime } from '../../format/format-time.ts';
import { xrayUsageWords } from '../../format/xray-usage-words.ts';
import { t } from '../../i18n/i18n.ts';

type XrayBinary = ConfigStatusReport['xray']['binary'];

/** Said only when the agent cannot fully rely on the installed Xray; an older agent reports nothing. */
function XraySupportRow({ support }: { support: XrayBinary['version_support'] | undefined }) {
  if (!support || support.support === 'ok') return null;
  const text = {
    'too-old': t('system.config.tooOld', { minimum: support.minimum, checked: support.checked }),
    'newer-than-checked': t('system.config.newerThanChecked', { checked: support.checked }),
    unknown: t('system.config.unknownXray', { checked: support.checked }),
  }[support.support];
  return (
    <>
      <dt>{t('system.config.xrayVersion')}</dt>
      <dd data-testid="xray-version-support" data-support={support.support}>
        <CheckMark ok={false} no={text} />
      </dd>
    </>
  );
}

const shortList = (items: readonly (string | number)[], shown: number) =>
  items.length > shown ? t('common.listMore', { list: items.slice(0, shown).join(', '), count: items.length }) : items.join(', ');
const portList = (ports: number[]) => shortList(ports, 12);
const tagList = (tags: string[]) => shortList(tags, 6);

/** Xray and the firewall against the keys: what runs, what differs, and the button that fixes it. */
/** `blockedWhy`: why Sync now cannot run now (the server cannot take it), or null. */
export function ConfigStatusPanel({ serverId, status, blockedWhy }: { serverId: string; status: ConfigStatusReport; blockedWhy: string | null }) {
  useTranslation();
  const syncConfig = useSystemStore((state) => state.syncConfig);
  const lastSync = useSystemStore(selectLastSync(serverId));
  const sync = useOperation(syncConfigOperation(serverId));
  const { xray, firewall } = status;
  const usage = xrayUsageWords(xray.process);
  const differences = [
    ...diffLines(t('system.config.configFile'), xray.config_file),
    ...(xray.live ? diffLines(t('system.config.runningXray'), xray.live) : []),
    firewall.missing_ports.length > 0 && t('system.config.firewallMissing', { ports: portList(firewall.missing_ports) }),
    firewall.extra_ports.length > 0 && t('system.config.firewallExtra', { ports: portList(firewall.extra_ports) }),
    firewall.incomplete_ports.length > 0 && t('system.config.firewallIncomplete', { ports: portList(firewall.incomplete_ports) }),
    firewall.wrong_block_state_ports.length > 0 && t('system.config.wrongBlockState', { ports: portList(firewall.wrong_block_state_ports) }),
  ].filter((line): line is string => typeof line === 'string');

  return (
    <section className="panel" data-testid="config-status">
      <h2>{t('system.config.title')}</h2>
      <dl className="facts">
        <dt>{t('system.config.xray')}</dt>
        <dd data-testid="xray-status">
          {xray.binary.installed ? (
            <Trans i18nKey="system.config.version" values={{ version: xray.binary.version ?? t('system.config.unknownVersion') }} components={{ data: <span translate="no" /> }} />
          ) : (
            t('system.config.notInstalled', { path: xray.binary.path })
          )}{' '}
          · <CheckMark ok={xray.process.running} yes={t('system.config.running', { pid: xray.process.pid ?? '?' })} no={t('system.config.notRunning')} /> ·{' '}
          <CheckMark
            ok={xray.api.reachable}
            yes={t('system.config.api', { address: xray.api.address })}
            no={xray.api.error ? t('system.config.apiUnreachableWhy', { error: xray.api.error }) : t('system.config.apiUnreachable')}
          />
        </dd>
        {xray.binary.installed && <XraySupportRow support={xray.binary.version_support} />}
        {usage && (
          <>
            <dt>{t('system.config.uses')}</dt>
            <dd data-testid="xray-usage">{usage}</dd>
          </>
        )}
        <dt>{t('system.config.inbounds')}</dt>
        <dd>
          {xray.live
            ? t('system.config.expectedRunning', { expected: xray.expected_inbounds, running: xray.live.inbounds })
            : t('system.config.expected', { expected: xray.expected_inbounds })}
        </dd>
        <dt>{t('system.config.firewall')}</dt>
        <dd>
          {firewall.available ? (
            <CheckMark ok={firewall.in_sync} yes={t('system.config.rulesInStep')} no={t('system.config.rulesDiffer')} />
          ) : (
            <CheckMark ok={false} no={t('system.config.noIptables')} />
          )}
        </dd>
        <dt>{t('system.config.config')}</dt>
        <dd data-testid="config-in-sync" data-in-sync={status.in_sync}>
          <CheckMark ok={status.in_sync} yes={t('system.config.inSync')} no={t('system.config.outOfSync')} />
        </dd>
        {xray.last_apply && (
          <>
            <dt>{t('system.config.lastApply')}</dt>
            <dd>
              {t('system.config.lastApplyBy', { time: formatUtcTime(xray.last_apply.at_ms), method: t(`system.config.method.${xray.last_apply.method}`) })}{' '}
              <CheckMark ok={xray.last_apply.ok} yes={t('common.ok')} no={t('common.failed')} />
              {/* The agent's own words on what failed; when it went well the method says it all. */}
              {!xray.last_apply.ok && <span className="agent-detail"> {xray.last_apply.detail}</span>}
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
        <button
          type="button"
          className="primary"
          onClick={() => void syncConfig(serverId)}
          disabled={sync.running || blockedWhy !== null}
          title={blockedWhy ?? undefined}
          data-testid="system-sync"
        >
          {t('common.syncNow')}
        </button>
        {sync.running && <Spinner label={t('system.config.syncing')} />}
        {lastSync && !sync.running && (
          <span className="muted" data-testid="system-sync-result">
            {t('system.config.lastSync', {
              added: lastSync.firewall.added.length,
              removed: lastSync.firewall.removed.length,
              repaired: lastSync.firewall.repaired.length,
              method: t(`system.config.method.${lastSync.xray.method}`),
              outcome: lastSync.xray.ok ? t('common.ok') : t('system.config.lastSyncFailed', { detail: lastSync.xray.detail }),
            })}
          </span>
        )}
      </div>
      <InlineError message={sync.error} testId="system-sync-error" />
    </section>
  );
}

function diffLines(what: string, diff: { missing_inbounds: string[]; extra_inbounds: string[]; changed_inbounds: string[] }): string[] {
  const lines: (string | false)[] = [
    diff.missing_inbounds.length > 0 && t('system.config.lacks', { what, tags: tagList(diff.missing_inbounds) }),
    diff.extra_inbounds.length > 0 && t('system.config.hasExtra', { what, tags: tagList(diff.extra_inbounds) }),
    diff.changed_inbounds.length > 0 && t('system.config.hasChanged', { what, tags: tagList(diff.changed_inbounds) }),
  ];
  return lines.filter((line): line is string => typeof line === 'string');
}
