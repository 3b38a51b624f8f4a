import type { XrayVersionSupport } from '../../../shared/contract/api-types.ts';

/** `Xray 25.10.15 (Xray, Penetrates Everything.) ...` (what `xray version` prints) gives 25.10.15; an unexpected first line is kept whole. */
export function xrayVersionNumber(output: string): string {
  const firstLine = output.trim().split('\n')[0] ?? '';
  return /^Xray\s+v?(\S+)/.exec(firstLine)?.[1] ?? firstLine;
}

/** What a version's support means for the admin, in a sentence; empty when there is nothing to say. */
export function xraySupportNote(support: XrayVersionSupport): string {
  switch (support.support) {
    case 'ok':
      return support.version === support.checked ? `It is ${support.checked}, the version Keyport was checked against.` : '';
    case 'newer-than-checked':
      return `It is newer than ${support.checked}, the version Keyport was checked against: the agent may meet behaviour it was not checked with.`;
    case 'too-old':
      return `It is older than ${support.minimum}, the oldest Xray that takes the agent's config (api.listen): install ${support.checked}.`;
    case 'unknown':
      return `It did not answer as Xray does, so whether the agent works with it is unknown: install Xray ${support.checked}.`;
  }
}

/** A status column's short form: `26.7.28`, `26.9.1 (newer than checked 26.7.28)`, `1.8.4 (too old: needs 1.8.12+)`. */
export function xraySupportLabel(version: string, support: XrayVersionSupport | null): string {
  switch (support?.support) {
    case 'newer-than-checked':
      return `${version} (newer than checked ${support.checked})`;
    case 'too-old':
      return `${version} (too old: needs ${support.minimum}+)`;
    case 'unknown':
      return `${version} (not Xray?)`;
    default:
      return version;
  }
}
