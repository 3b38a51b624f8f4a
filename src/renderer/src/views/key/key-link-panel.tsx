import { useRef, useState } from 'react';

/** The key's vless:// link, to copy into a message for its user. */
export function KeyLinkPanel({ link }: { link: string }) {
  const linkText = useRef<HTMLElement>(null);
  const [copyNote, setCopyNote] = useState<string | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopyNote('Copied to the clipboard.');
    } catch {
      // No clipboard access (an insecure page or a denied permission): select the link instead.
      const selection = window.getSelection();
      if (linkText.current && selection) {
        selection.selectAllChildren(linkText.current);
        setCopyNote('Could not reach the clipboard: the link is selected, press Ctrl+C (⌘C) to copy it.');
      } else setCopyNote('Could not reach the clipboard: select the link and copy it by hand.');
    }
  };

  return (
    <section className="panel">
      <h2>Link</h2>
      <code ref={linkText} className="key-link" data-testid="key-link">
        {link}
      </code>
      <div className="panel-actions">
        <button type="button" className="primary" onClick={() => void copy()} data-testid="key-copy">
          Copy link
        </button>
        {copyNote && (
          <span className="muted" role="status" data-testid="key-copy-status">
            {copyNote}
          </span>
        )}
      </div>
    </section>
  );
}
