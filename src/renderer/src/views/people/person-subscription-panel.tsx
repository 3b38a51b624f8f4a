import { useState } from 'react';
import type { Person } from '../../../../shared/contract/people.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { CopyLinkPanel } from '../../components/copy-link-panel.tsx';
import { QrPanel } from '../../components/qr-panel.tsx';
import { rotateSubscriptionOperation, selectChange, usePeopleStore } from '../../state/people-store.ts';
import { ChangeFailures } from './change-failures.tsx';
import type { ServerReach } from './server-reach.ts';

/** The person's one subscription link and its QR code, every server's link beside it, and a new link when the old one leaked. */
export function PersonSubscriptionPanel({ person, reach }: { person: Person; reach: Record<string, ServerReach> }) {
  const [rotating, setRotating] = useState(false);
  const lastRotation = usePeopleStore(selectChange(rotateSubscriptionOperation(person.uuid)));
  const url = person.subscriptionUrl;
  if (!url) {
    return (
      <section className="panel" data-testid="person-subscription">
        <h2>Subscription</h2>
        <p className="muted" data-testid="person-no-subscription">
          None of {person.name}'s servers serves subscriptions: deploy one with subscriptions on, or hand out each server's key link (open their key below).
        </p>
      </section>
    );
  }

  const serving = person.keys.filter((entry) => entry.key.subscription_url !== null);
  const unreachable = serving.filter((entry) => reach[entry.serverId]?.reachable === false);
  const rotateWhy = unreachable.length === serving.length ? `${unreachable.map((entry) => entry.server).join(', ')} cannot be reached now` : undefined;
  const rotateButton = (
    <button type="button" className="danger-outline" onClick={() => setRotating(true)} disabled={rotateWhy !== undefined} title={rotateWhy} data-testid="person-rotate">
      New link…
    </button>
  );
  return (
    <div className="key-share" data-testid="person-subscription">
      <CopyLinkPanel title="Subscription link" link={url} testIdPrefix="person-subscription" actions={rotateButton}>
        <p className="muted small">
          Client apps (v2rayN, v2rayNG, Hiddify, Streisand) import it as a subscription and refresh it: it lists their key on each of their servers.
        </p>
        {rotateWhy && (
          <p className="muted small" data-testid="person-rotate-unreachable">
            A new link needs their servers: {rotateWhy}.
          </p>
        )}
        {person.subscriptionUrls.length > 1 && (
          <details>
            <summary>The same subscription from each server</summary>
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
      <QrPanel name={`${person.name} subscription`} qrText={url} testIdPrefix="person" title="Subscription QR code" />
      {rotating && (
        <ConfirmDialog
          title={`A new subscription link for ${person.name}?`}
          confirmLabel="Make a new link"
          operationId={rotateSubscriptionOperation(person.uuid)}
          onConfirm={() => usePeopleStore.getState().rotateSubscription(person.uuid)}
          onClose={() => setRotating(false)}
        >
          <p>
            The link they have now stops working at once on every server (it answers 404): their apps stop refreshing until they import the new link
            or QR code. Their keys and vless:// links stay as they are.
          </p>
          {unreachable.length > 0 && (
            <p data-testid="person-rotate-kept">
              {unreachable.map((entry) => entry.server).join(', ')} cannot be reached now and keeps serving the old link until it is made new again.
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
