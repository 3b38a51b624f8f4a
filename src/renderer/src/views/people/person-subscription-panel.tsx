import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../../../shared/contract/people.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { CopyLinkPanel } from '../../components/copy-link-panel.tsx';
import { QrPanel } from '../../components/qr-panel.tsx';
import { rotateSubscriptionOperation, selectChange, usePeopleStore } from '../../state/people-store.ts';
import { ChangeFailures } from './change-failures.tsx';
import type { ServerReach } from './server-reach.ts';

/** The person's one subscription link and its QR code, every server's link beside it, and a new link when the old one leaked. */
export function PersonSubscriptionPanel({ person, reach }: { person: Person; reach: Record<string, ServerReach> }) {
  const { t } = useTranslation();
  const [rotating, setRotating] = useState(false);
  const lastRotation = usePeopleStore(selectChange(rotateSubscriptionOperation(person.uuid)));
  const url = person.subscriptionUrl;
  if (!url) {
    return (
      <section className="panel" data-testid="person-subscription">
        <h2>{t('person.subscription.title')}</h2>
        <p className="muted" data-testid="person-no-subscription">
          {t('person.subscription.none', { name: person.name })}
        </p>
      </section>
    );
  }

  const serving = person.keys.filter((entry) => entry.key.subscription_url !== null);
  const unreachable = serving.filter((entry) => reach[entry.serverId]?.reachable === false);
  const rotateWhy = unreachable.length === serving.length ? t('person.subscription.cannotReach', { servers: unreachable.map((entry) => entry.server).join(', ') }) : undefined;
  const rotateButton = (
    <button type="button" className="danger-outline" onClick={() => setRotating(true)} disabled={rotateWhy !== undefined} title={rotateWhy} data-testid="person-rotate">
      {t('person.subscription.newLink')}
    </button>
  );
  return (
    <div className="key-share" data-testid="person-subscription">
      <CopyLinkPanel title={t('person.subscription.link')} link={url} testIdPrefix="person-subscription" actions={rotateButton}>
        <p className="muted small">
          {t('person.subscription.apps')}
        </p>
        {rotateWhy && (
          <p className="muted small" data-testid="person-rotate-unreachable">
            {t('person.subscription.needsServers', { why: rotateWhy })}
          </p>
        )}
        {person.subscriptionUrls.length > 1 && (
          <details>
            <summary>{t('person.subscription.eachServer')}</summary>
            <ul data-testid="person-subscription-urls">
              {person.subscriptionUrls.map((entry) => (
                <li key={entry.server}>
                  {entry.server}: <span className="link-text">{entry.url}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
        <ChangeFailures outcomes={lastRotation?.outcomes} testId="person-rotate-failures" />
      </CopyLinkPanel>
      <QrPanel name={t('person.subscription.qrName', { name: person.name })} qrText={url} testIdPrefix="person" title={t('person.subscription.qrTitle')} />
      {rotating && (
        <ConfirmDialog
          title={t('person.subscription.rotateTitle', { name: person.name })}
          confirmLabel={t('person.subscription.rotate')}
          operationId={rotateSubscriptionOperation(person.uuid)}
          onConfirm={() => usePeopleStore.getState().rotateSubscription(person.uuid)}
          onClose={() => setRotating(false)}
        >
          <p>{t('person.subscription.rotateText')}</p>
          {unreachable.length > 0 && (
            <p data-testid="person-rotate-kept">
              {t('person.subscription.kept', { servers: unreachable.map((entry) => entry.server).join(', ') })}
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
