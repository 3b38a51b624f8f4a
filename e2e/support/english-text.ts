import type { Page } from 'playwright-core';

/**
 * Words that stay as they are in every language: the product, the programs and protocols it
 * names, and abbreviations a Russian admin reads in Latin letters too. A word the window writes
 * in English prose is not one of these.
 */
const TERMS = [
  'Keyport', 'Xray', 'VLESS', 'Reality', 'REALITY', 'SSH', 'sshd', 'QR', 'CSV', 'UTC', 'IPv4', 'IPv6', 'IP', 'TCP', 'UDP',
  'API', 'HTTP', 'HTTPS', 'URL', 'TLS', 'SNI', 'uTLS', 'JSON', 'DNS', 'CPU', 'RAM', 'RSS', 'ID', 'UUID', 'uuid', 'PID',
  'sudo', 'root', 'systemd', 'iptables', 'nftables', 'ipset', 'ProxyJump', 'HostName', 'Host', 'sing-box', 'v2rayN',
  'v2rayNG', 'Hiddify', 'Streisand', 'Shadowrocket', 'Chromium', 'Electron', 'Linux', 'Debian', 'Ubuntu', 'x64', 'arm64',
  'ed25519', 'SHA256', 'PNG', 'PDF', 'SVG', 'PEM', 'NekoBox', 'English', 'Gbit', 'Mbit', 'kbit', 'ms', 'id', 'pid',
  'loopback', 'inbound', 'VPN', 'Node',
];

export interface EnglishTextOptions {
  /** Names the test gave (servers, keys, people, notes): data, shown as typed in any language. */
  names: readonly string[];
}

/**
 * Every visible string on the page that is still in English: text nodes, placeholders, titles
 * and button labels, once names, links, addresses, fingerprints, identifiers and TERMS are taken
 * out. A string is English when a Latin word of two letters or more is left. Hidden elements
 * (closed dialogs, visually hidden helpers) are left out, as are commands and literal text
 * (`code`, `kbd`, `samp`) and what the window marks `translate="no"` (values the server reports).
 */
export function findEnglishText(page: Page, { names }: EnglishTextOptions): Promise<string[]> {
  return page.evaluate(
    ({ names, terms }) => {
      const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // Longest first, so "laptop-anna" goes before a name it contains.
      const data = [...names].sort((a, b) => b.length - a.length).map(escape);
      const stripped = [
        /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, // links: vless://, https://, ...
        /\bSHA256:[A-Za-z0-9+/=]+/g, // host-key fingerprints
        /\[[0-9a-f:.]+\]|\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b/gi, // IPv6 addresses
        /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, // IPv4 addresses, with a port
        /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, // uuids
        /(?:~|\.{1,2})?(?:\/[\w.@-]+)+\/?/g, // file paths
        /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, // e-mail addresses (example key names)
        /\b[\w-]+(?:\.[\w-]+)+\b/g, // host names, file names
        /\b(?:ssh-[a-z0-9-]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d[a-z0-9]*)\b/g, // identifiers: ssh-ed25519, ssh-agent, frankfurt-1
        /«[A-Za-z_]+»/g, // a column or field name quoted as it is typed
        ...(data.length > 0 ? [new RegExp(data.join('|'), 'g')] : []),
        new RegExp(`(?<![\\p{L}\\p{N}_-])(?:${terms.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'gu'),
      ];
      const englishIn = (text: string) => {
        let rest = text;
        for (const pattern of stripped) rest = rest.replace(pattern, ' ');
        return /[A-Za-z]{2,}/.test(rest);
      };

      const hidden = (element: Element) =>
        element.closest('[translate="no"], code, kbd, samp, .visually-hidden, [hidden], [aria-hidden="true"], script, style, noscript') !== null ||
        (element instanceof HTMLElement && element.getClientRects().length === 0) ||
        getComputedStyle(element).visibility === 'hidden';
      const label = (element: Element) => {
        const testId = element.closest('[data-testid]')?.getAttribute('data-testid');
        return `${element.tagName.toLowerCase()}${testId ? ` in [${testId}]` : ''}`;
      };

      const found = new Set<string>();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = (node.textContent ?? '').trim().replace(/\s+/g, ' ');
        const parent = node.parentElement;
        if (!text || !parent || hidden(parent) || parent.closest('select')) continue;
        if (englishIn(text)) found.add(`${label(parent)}: "${text.slice(0, 120)}"`);
      }
      for (const element of Array.from(document.body.querySelectorAll('[placeholder], [title], [aria-label], select'))) {
        if (hidden(element)) continue;
        const shown =
          element instanceof HTMLSelectElement
            ? [element.selectedOptions[0]?.textContent ?? '']
            : ['placeholder', 'title', 'aria-label'].map((attribute) => element.getAttribute(attribute) ?? '');
        for (const text of shown.map((entry) => entry.trim()).filter(Boolean)) {
          if (englishIn(text)) found.add(`${label(element)} (${element instanceof HTMLSelectElement ? 'chosen option' : 'attribute'}): "${text.slice(0, 120)}"`);
        }
      }
      return [...found];
    },
    { names, terms: TERMS },
  );
}
