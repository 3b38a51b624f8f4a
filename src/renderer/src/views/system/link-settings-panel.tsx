import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkSettings, LinkSettingsResult } from '../../../../shared/contract/link-settings.ts';
import { CheckMark } from '../../components/check-mark.tsx';
import { ErrorWithAction } from '../../components/error-with-action.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useFleetStore } from '../../state/fleet-store.ts';
import { currentLinkSettings, FIELD_WORDS } from '../../state/link-settings-draft.ts';
import { selectLastLinkSettings, selectPorts, selectSettings, useSystemStore } from '../../state/system-store.ts';
import { LinkSettingsDialog } from './link-settings-dialog.tsx';

/** What every key's link carries (host, Reality target and names) and the key port range, changed in a dialog that asks first. */
export function LinkSettingsPanel({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const loaded = useSystemStore(selectSettings(serverId));
  const settings = loaded?.value;
  const ports = useSystemStore(selectPorts(serverId))?.value;
  const server = useFleetStore((state) => state.servers.find((candidate) => candidate.id === serverId));
  const last = useSystemStore(selectLastLinkSettings(serverId));
  const { loadSettings } = useSystemStore.getState();
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    void loadSettings(serverId);
  }, [loadSettings, serverId]);

  if (!settings && loaded?.error) {
    return (
      <section className="panel" data-testid="link-settings-panel">
        <h2>{t('system.links.title')}</h2>
        <ErrorWithAction failure={loaded} serverId={serverId} onRetry={() => void loadSettings(serverId)} testId="link-settings-load-error" />
      </section>
    );
  }
  if (!settings || !ports || !server) {
    return (
      <section className="panel" data-testid="link-settings-panel">
        <h2>{t('system.links.title')}</h2>
        <Spinner label={t('system.links.reading')} />
      </section>
    );
  }
  const current = currentLinkSettings(settings.data, server, ports.data.range);
  const offline = settings.source === 'cache' || ports.source === 'cache';
  return (
    <section className="panel" data-testid="link-settings-panel">
      <h2>{t('system.links.title')}</h2>
      <LinkSettingsFacts settings={current} />
      <p className="small">{t('system.links.explain')}</p>
      <div className="panel-actions">
        <button type="button" onClick={() => setEditing(true)} disabled={offline} data-testid="link-settings-open">
          {t('system.links.change')}
        </button>
        {offline && <span className="muted">{t('system.links.offline')}</span>}
        {last && <LastChange result={last} />}
      </div>
      {editing && <LinkSettingsDialog serverId={serverId} serverName={server.name} sshHost={server.target.host} current={current} onClose={() => setEditing(false)} />}
    </section>
  );
}

function LinkSettingsFacts({ settings }: { settings: LinkSettings }) {
  const { t } = useTranslation();
  return (
    <dl className="facts">
      <dt>{t('system.links.linkHost')}</dt>
      <dd data-testid="link-settings-host" data-set={settings.linkHostSet}>
        <code>{settings.linkHostSet ? settings.linkHost : t('system.links.sshHost', { host: settings.linkHost })}</code>
      </dd>
      <dt>{t('system.links.target')}</dt>
      <dd data-testid="link-settings-target">{settings.realityTarget}</dd>
      <dt>{t('system.links.names')}</dt>
      <dd data-testid="link-settings-names">{settings.realityServerNames.join(', ')}</dd>
      <dt>{t('system.links.keyPorts')}</dt>
      <dd data-testid="link-settings-key-ports">{t('system.links.keyPortsValue', { from: settings.keyPorts.from, to: settings.keyPorts.to })}</dd>
    </dl>
  );
}

/** A new link host the HTTPS subscription certificate does not name (or that could not be checked). */
function CertificateWarning({ result }: { result: LinkSettingsResult }) {
  const { t } = useTranslation();
  const certificate = result.subscriptionCertificate;
  if (!certificate || certificate.namesLinkHost === true) return null;
  const facts = { subject: certificate.subject, host: result.after.linkHost };
  return (
    <span className="link-warning" data-testid="link-settings-certificate-warning">
      {' '}
      {t(certificate.namesLinkHost === false ? 'system.links.certificateNotNaming' : 'system.links.certificateUnread', facts)}
    </span>
  );
}

function LastChange({ result }: { result: LinkSettingsResult }) {
  const { t } = useTranslation();
  if (result.deploy?.rolledBack) return <CheckMark ok={false} yes="" no={t('system.links.rolledBack')} />;
  if (result.changed.length === 0) return <span data-testid="link-settings-done">{t('system.links.nothingChanged')}</span>;
  const fields = result.changed.map((field) => t(`system.links.${FIELD_WORDS[field]}`)).join(', ');
  const unpushed = [...new Set(result.bundles.filter((outcome) => !outcome.done).map((outcome) => outcome.server))];
  return (
    <span data-testid="link-settings-done" data-ok={result.applied?.ok ?? true}>
      <CheckMark
        ok={result.applied?.ok ?? true}
        yes={t('system.links.done', { fields })}
        no={t('system.reality.notTaken', { detail: result.applied?.detail ?? '' })}
      />
      <CertificateWarning result={result} />
      {unpushed.length > 0 && (
        <span className="link-warning" data-testid="link-settings-bundles-failed">
          {' '}
          {t('system.links.bundlesFailed', { servers: unpushed.join(', ') })}
        </span>
      )}
    </span>
  );
}
