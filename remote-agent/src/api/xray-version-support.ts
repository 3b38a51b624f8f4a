/**
 * Which Xray versions the agent works with. Pure: the agent's status and the console's installer
 * both use it, so the pin below is the one place the checked version is written.
 */

/**
 * The Xray release Keyport was checked against (its source, and the stand-in that models it:
 * remote-agent/test/support/fake-xray/). `server install-xray` installs it unless told otherwise.
 */
export const XRAY_CHECKED_VERSION = '26.7.28';

/**
 * The oldest Xray that takes the config the agent writes: `api.listen` (the API on its own address,
 * without an inbound and routing rule for it) came with XTLS/Xray-core commit 447a49d1, "Add
 * configuration item api->listen. (#3317)", first released in v1.8.12 (`git tag --contains`).
 */
export const XRAY_MINIMUM_VERSION = '1.8.12';

export type XraySupport = 'ok' | 'too-old' | 'newer-than-checked' | 'unknown';

export interface XrayVersionSupport {
  /** The version number (`26.7.28`), or null when the output is not Xray's. */
  version: string | null;
  support: XraySupport;
  minimum: string;
  checked: string;
}

// `xray version` prints `Xray 26.7.28 (Xray, Penetrates Everything.) Custom (go1.24 linux/amd64)`
// first (core/core.go:69 at v26.7.28, VersionStatement).
const XRAY_VERSION_LINE = /^Xray\s+v?(\d+)\.(\d+)\.(\d+)(?:\s|$)/;

/** Reads `xray version`'s output (or its first line) and says whether the agent can rely on that Xray. */
export function xrayVersionSupport(versionOutput: string | null | undefined): XrayVersionSupport {
  const base = { minimum: XRAY_MINIMUM_VERSION, checked: XRAY_CHECKED_VERSION };
  const match = XRAY_VERSION_LINE.exec((versionOutput ?? '').trim().split('\n')[0]?.trim() ?? '');
  if (!match) return { ...base, version: null, support: 'unknown' };
  const version = [match[1], match[2], match[3]].map(Number);
  const text = version.join('.');
  if (compareVersions(version, parseVersion(XRAY_MINIMUM_VERSION)) < 0) return { ...base, version: text, support: 'too-old' };
  if (compareVersions(version, parseVersion(XRAY_CHECKED_VERSION)) > 0) return { ...base, version: text, support: 'newer-than-checked' };
  return { ...base, version: text, support: 'ok' };
}

/** The release tag of a version number, as XTLS names its releases: `26.7.28` → `v26.7.28`. */
export function xrayReleaseTag(version: string): string {
  return `v${version}`;
}

function parseVersion(text: string): number[] {
  return text.split('.').map(Number);
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
