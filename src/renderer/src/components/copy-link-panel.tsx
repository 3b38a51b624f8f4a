import { useRef, useState, type ReactNode } from 'react';

interface CopyLinkPanelProps {
  title: string;
  link: string;
  /** `${testIdPrefix}-link`, `-copy`, `-copy-status`. */
  testIdPrefix: string;
  /** More buttons beside "Copy link". */
  actions?: ReactNode;
  /** Shown under the buttons. */
  children?: ReactNode;
}

/** A link to copy into a message for its user (a key's vless:// link, a person's subscription). */
export function CopyLinkPanel({ title, link, testIdPrefix, actions, children }: CopyLinkPanelProps) {
  const linkText = useRef<HTMLElement>(null);
  const [copyNote, setCopyNote] = useState<{ link: string; note: string } | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopyNote({ link, note: 'Copied to the clipboard.' });
    } catch {
      // No clipboard access (an insecure page or a denied permission): select the link instead.
      const selection = window.getSelection();
      if (linkText.current && selection) {
        selection.selectAllChildren(linkText.current);
        setCopyNote({ link, note: 'Could not reach the clipboard: the link is selected, press Ctrl+C (⌘C) to copy it.' });
      } else setCopyNote({ link, note: 'Could not reach the clipboard: select the link and copy it by hand.' });
    }
  };

  return (
    <section className="panel">
      <h2>{title}</h2>
      <code ref={linkText} className="key-link" data-testid={`${testIdPrefix}-link`}>
        {link}
      </code>
      <div className="panel-actions">
        <button type="button" className="primary" onClick={() => void copy()} data-testid={`${testIdPrefix}-copy`}>
          Copy link
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
