import { useTranslation } from 'react-i18next';
import type { RealityCheckReport } from '../../../../shared/contract/api-types.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useOperation } from '../../state/operations-store.ts';
import { selectReality, useSystemStore, verifyRealityOperation } from '../../state/system-store.ts';
import { t } from '../../i18n/i18n.ts';

/**
 * The check that probes the Reality target from the server. The target and names are changed in
 * Link settings, the one place that also passes the new links on to people's other subscriptions.
 */
export function RealityPanel({ serverId }: { serverId: string }) {
  useTranslation();
  const report = useSystemStore(selectReality(serverId));
  const { verifyReality } = useSystemStore.getState();
  const verify = useOperation(verifyRealityOperation(serverId));

  return (
    <section className="panel" data-testid="reality-panel">
      <h2>{t('system.reality.title')}</h2>
      <p className="small">{t('system.reality.explain')}</p>
      <div className="panel-actions">
        <button type="button" onClick={() => void verifyReality(serverId)} disabled={verify.running} data-testid="system-verify-reality">
          {t('system.reality.check')}
        </button>
        {verify.running && <Spinner label={t('system.reality.probing')} />}
        {report && !verify.running && (
          <span data-testid="reality-valid" data-valid={report.valid} className={report.valid ? 'check ok' : 'check bad'}>
            {verdict(report)}
          </span>
        )}
      </div>
      <InlineError message={verify.error} testId="reality-error" />
      {report && (
        <>
          <ul className="checks" data-testid="reality-checks">
            {report.checks.map((check) => (
              <li key={`${check.name}/${check.server_name ?? ''}`} data-testid="reality-check" data-ok={check.ok} data-level={check.level}>
                <span className={check.ok ? 'check ok' : 'check bad'}>{check.ok ? '✓' : check.level === 'warning' ? '!' : '✗'}</span> {check.detail}
              </li>
            ))}
          </ul>
          <dl className="facts">
            <dt>{t('system.reality.publicKey')}</dt>
            <dd>
              <code>{report.public_key}</code>
            </dd>
            <dt>{t('system.reality.shortIds')}</dt>
            <dd>{report.short_ids.join(', ') || '—'}</dd>
            <dt>{t('system.reality.fingerprint')}</dt>
            <dd>{report.fingerprint}</dd>
          </dl>
        </>
      )}
    </section>
  );
}

function verdict(report: RealityCheckReport): string {
  const failed = report.checks.filter((check) => !check.ok && check.level === 'error').length;
  const warned = report.checks.filter((check) => !check.ok && check.level === 'warning').length;
  if (failed > 0) return t('system.reality.failed', { count: failed, target: report.target });
  if (warned > 0) return t('system.reality.warned', { count: warned });
  return t('system.reality.passes', { target: report.target });
}
