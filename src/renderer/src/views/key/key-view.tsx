import { useCallback, useEffect, useState } from 'react';
import { CopyLinkPanel } from '../../components/copy-link-panel.tsx';
import { ErrorWithAction } from '../../components/error-with-action.tsx';
import { OfflineBanner } from '../../components/offline-banner.tsx';
import { QrPanel } from '../../components/qr-panel.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { Trans, useTranslation } from 'react-i18next';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatUtcTime } from '../../format/format-time.ts';
import { selectServer, useFleetStore } from '../../state/fleet-store.ts';
import { selectConfig, selectKey, useKeysStore } from '../../state/keys-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { selectKeyHistory, useTrafficStore } from '../../state/traffic-store.ts';
import { keyStatusLabel } from '../../format/key-limit-words.ts';
import { useVisibleInterval } from '../../hooks/use-visible-interval.ts';
import { keyStatusAt } from '../../../../shared/key-limits/key-limit-status.ts';
import { KeyCharts } from './key-charts.tsx';
import { KeyControls } from './key-controls.tsx';
import { KeyGoneNotice } from './key-gone-notice.tsx';
import { KeyLimitsPanel } from './key-limits-panel.tsx';
import { KeyStatusNotice } from './key-status-notice.tsx';
import { KeyNameHeading } from './key-name-heading.tsx';
import { KeyResets } from './key-resets.tsx';
import { PrintSheet } from './print-sheet.tsx';
import { useKeyPageGone } from './use-key-page-gone.ts';

/** An expiry passing while the page is open shows within this long. */
const CLOCK_TICK_MS = 30_000;

/** One key: its link and QR code to hand out (and whether they work), its limits, its traffic, and its counters. */
export function KeyView({ serverId, keyId }: { serverId: string; keyId: string }) {
  const { t } = useTranslation();
  const server = useFleetStore(selectServer(serverId));
  const key = useKeysStore(selectKey(serverId, keyId));
  const config = useKeysStore(selectConfig(serverId, keyId));
  const history = useTrafficStore(selectKeyHistory(serverId, keyId));
  const loadConfig = useKeysStore((state) => state.loadConfig);
  const loadKeyHistory = useTrafficStore((state) => state.loadKeyHistory);
  const openServer = useNavigationStore((state) => state.openServer);
  const [printing, setPrinting] = useState(false);
  const closePrint = useCallback(() => setPrinting(false), []);
  const [nowMs, setNowMs] = useState(Date.now);
  useVisibleInterval(() => setNowMs(Date.now()), CLOCK_TICK_MS);
  const gone = useKeyPageGone(serverId, keyId);

  useEffect(() => {
    void loadConfig(serverId, keyId);
    void loadKeyHistory(serverId, keyId);
  }, [loadConfig, loadKeyHistory, serverId, keyId]);

  const shared = config?.value?.data;
  const report = history?.value?.data;
  const keyName = key?.name ?? report?.key_name ?? keyId;
  const serverName = server?.name ?? serverId;
  // A gone key leaves the list: its page still names it as it was known.
  const [knownName, setKnownName] = useState<string | null>(null);
  const namedNow = key?.name ?? report?.key_name;
  useEffect(() => {
    if (namedNow) setKnownName(namedNow);
  }, [namedNow]);
  const status = key ? keyStatusAt(key, nowMs) : null;
  const outOfService = status === null || status === 'active' ? null : status;

  if (gone) {
    return (
      <section className="view key-view" data-testid="key-view" data-key-id={keyId}>
        <KeyGoneNotice gone={gone} serverId={serverId} serverName={serverName} keyId={keyId} keyName={namedNow ?? knownName} />
      </section>
    );
  }

  return (
    <section className="view key-view" data-testid="key-view" data-key-id={keyId}>
      <header className="view-header">
        <div>
          <button type="button" className="link-button small" onClick={() => openServer(serverId, 'keys')} data-testid="key-back">
            {t('key.back', { server: serverName })}
          </button>
          <KeyNameHeading serverId={serverId} keyId={keyId} keyName={keyName} canRename={key !== undefined} />
          {key && status && (
            <div className="muted small">
              {t('key.port', { port: key.port })} ·{' '}
              <span className={`key-status status-${status}`} data-testid="key-view-status">
                {keyStatusLabel(status)}
              </span>{' '}
              · {t('key.created', { time: formatUtcTime(key.created_at) })} · {t('key.id', { id: key.id })}
              {key.note && (
                <>
                  {' '}
                  · <span data-testid="key-view-note">{key.note}</span>
                </>
              )}
            </div>
          )}
        </div>
        {key && <KeyControls serverId={serverId} apiKey={key} />}
      </header>
      <OfflineBanner reads={[config?.value, history?.value]} />

      <div className="key-share">
        {key && <KeyStatusNotice apiKey={key} nowMs={nowMs} />}
        {shared ? (
          <>
            <CopyLinkPanel
              title={t('key.link')}
              link={shared.vless_url}
              testIdPrefix="key"
              outOfService={outOfService ? t(`keyStatus.outOfService.link.${outOfService}`) : undefined}
            />
            <QrPanel
              name={keyName}
              qrText={shared.qr_code_data}
              testIdPrefix="key"
              onPrint={() => setPrinting(true)}
              outOfService={
                outOfService
                  ? {
                      label: t(`keyStatus.outOfService.qr.${outOfService}`),
                      alt: t('keyStatus.outOfService.qrAlt', { name: keyName }),
                      noPrint: t('keyStatus.outOfService.noPrint'),
                    }
                  : undefined
              }
            />
          </>
        ) : config?.error ? (
          <ErrorWithAction failure={config} serverId={serverId} onRetry={() => void loadConfig(serverId, keyId)} testId="key-config-error" />
        ) : (
          <Spinner label={t('key.loadingLink')} />
        )}
      </div>

      {key && <KeyLimitsPanel serverId={serverId} apiKey={key} />}

      <section className="panel">
        <h2>{t('key.traffic')}</h2>
        {report && (
          <p className="totals" data-testid="key-totals">
            <Trans
              t={t}
              i18nKey="key.lifetime"
              values={{
                total: formatBytes(report.total_traffic.total_bytes),
                rx: formatBytes(report.total_traffic.rx_bytes),
                tx: formatBytes(report.total_traffic.tx_bytes),
                connections: t('counts.connections', { count: report.total_traffic.total_connections }),
                time: formatUtcTime(report.last_activity),
              }}
            />
          </p>
        )}
        <ErrorWithAction failure={history} serverId={serverId} onRetry={() => void loadKeyHistory(serverId, keyId)} testId="key-history-error" />
        {report ? <KeyCharts history={report} fileName={`${serverName}-${keyName}`} /> : !history?.error && <Spinner label={t('key.loadingHistory')} />}
      </section>

      <KeyResets serverId={serverId} keyId={keyId} keyName={keyName} />

      {/* A sheet is what goes to the key's user: none while the key does not connect. */}
      {printing && shared && !outOfService && <PrintSheet keyName={keyName} serverName={serverName} link={shared.vless_url} qrText={shared.qr_code_data} onClose={closePrint} />}
    </section>
  );
}
