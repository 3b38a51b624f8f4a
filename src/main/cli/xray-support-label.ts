import type { XrayVersionSupport } from '../../shared/contract/api-types.ts';
import type { CliWords } from './i18n/cli-i18n.ts';

/** A status column's short form: `26.7.28`, `26.9.1 (newer than checked 26.7.28)`, `1.8.4 (too old: needs 1.8.12+)`. */
export function xraySupportLabel(t: CliWords, version: string, support: XrayVersionSupport | null): string {
  switch (support?.support) {
    case 'newer-than-checked':
      return t('servers.xray.newer', { version, checked: support.checked });
    case 'too-old':
      return t('servers.xray.tooOld', { version, minimum: support.minimum });
    case 'unknown':
      return t('servers.xray.unknown', { version });
    default:
      return version;
  }
}
