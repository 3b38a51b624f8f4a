import type { Person } from '../../../../shared/contract/people.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { useQrDataUrl } from '../key/use-qr-data-url.ts';

const QR_SHOWN_PX = 280;

/** The person's one subscription link and its QR code, with every server's link beside it. */
export function PersonSubscriptionPanel({ person }: { person: Person }) {
  const url = person.subscriptionUrl ?? undefined;
  const qr = useQrDataUrl(url, QR_SHOWN_PX * 2);
  return (
    <section className="panel qr-panel" data-testid="person-subscription">
      <h2>{person.name}: subscription</h2>
      {url ? (
        <>
          <div className="qr-frame" style={{ width: QR_SHOWN_PX, height: QR_SHOWN_PX }}>
            {qr.dataUrl && <img src={qr.dataUrl} width={QR_SHOWN_PX} height={QR_SHOWN_PX} alt={`QR code of ${person.name}'s subscription`} data-testid="person-qr" className="qr-image" />}
          </div>
          <p className="link-text" data-testid="person-subscription-url">{url}</p>
          <InlineError message={qr.error} testId="person-qr-error" />
          {person.subscriptionUrls.length > 1 && (
            <details>
              <summary>The same subscription from each server</summary>
              <ul>
                {person.subscriptionUrls.map((entry) => (
                  <li key={entry.server}>
                    {entry.server}: <span className="link-text">{entry.url}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      ) : (
        <p className="muted" data-testid="person-no-subscription">
          None of {person.name}'s servers serves subscriptions: deploy one with subscriptions on, or hand out each server's key link.
        </p>
      )}
    </section>
  );
}
