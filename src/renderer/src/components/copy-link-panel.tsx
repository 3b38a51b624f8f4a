import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface CopyLinkPanelProps {
  title: string;
  link: string;
  /** `${testIdPrefix}-link`, `-copy`, `-copy-status`. */
  testIdPrefix: string;
  /** More buttons beside "Copy link". */
  actions?: ReactNode;
  /** Shown under the buttons. */
  children?: ReactNode;
  /** A link that does not connect now, e.g. "Disabled: this link does not connect": said above it, and the link struck through. */
  outOfService?: string;
}

/** A link to copy into a message for its user (a key's vless:// link, a person's subscription). */
export function CopyLinkPanel({ title, link, testIdPrefix, actions, children, outOfService }: CopyLinkPanelProps) {
  const { t } = useTranslation();
  const linkText = useRef<HTMLElement>(null);
  const [copyNote, setCopyNote] = useState<{ link: string; note: string } | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopyNote({ link, note: t('copyLink.copied') });
    } catch {
      // No clipboard access (an insecure page or a denied permission): select the link instead.
      const selection = window.getSelection();
      if (linkText.current && selection) {
        selection.selectAllChildren(linkText.current);
        setCopyNote({ link, note: t('copyLink.selected') });
      } else setCopyNote({ link, note: t('copyLink.byHand') });
    }
  };

  return (
    <section className="panel">
      <h2>{title}</h2>
      {outOfService && (
        <p className="out-of-service-label" id={`${testIdPrefix}-link-out-of-service`} data-testid={`${testIdPrefix}-link-out-of-service`}>
          {outOfService}
        </p>
      )}
      <code
        ref={linkText}
        className={outOfService ? 'key-link out-of-service' : 'key-link'}
        aria-describedby={outOfService ? `${testIdPrefix}-link-out-of-service` : undefined}
        data-testid={`${testIdPrefix}-link`}
        data-out-of-service={outOfService ? 'true' : 'false'}
      >
        {link}
      </code>
      <div className="panel-actions">
        <button type="button" className="primary" onClick={() => void copy()} data-testid={`${testIdPrefix}-copy`}>
          {t('copyLink.copy')}
        </button>
        {actions}
        {/* A note about another link (rotated since) is not this one's. */}
        {copyNote?.link === link && (
          <span className="muted" role="status" data-testid={`${testIdPrefix}-copy-status`}>
            {copyNote.note}
          </span>
        )}
      </div>
      {children}
    </section>
  );
}
