import type { XrayVersionSupport } from '../../shared/contract/api-types.ts';
import type { CliWords } from './i18n/cli-i18n.ts';

/** After an install: how the installed Xray stands against the one Keyport was checked with; '' when nothing needs saying. */
export function xraySupportNote(t: CliWords, support: XrayVersionSupport): string {
  switch (support.support) {
    case 'ok':
      return support.version === support.checked ? t('servers.xraySupport.checked', { checked: support.checked }) : '';
    case 'newer-than-checked':
      return t('servers.xraySupport.newer', { checked: support.checked });
    case 'too-old':
      return t('servers.xraySupport.tooOld', { minimum: support.minimum, checked: support.checked });
    case 'unknown':
      return t('servers.xraySupport.unknown', { checked: support.checked });
  }
}

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
