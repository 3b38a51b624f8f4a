import { t } from '../i18n/i18n.ts';
import { formatBytes } from './format-bytes.ts';

/** A traffic rate in bytes per second; an idle key reads as a dash so busy ones stand out. */
export function formatRate(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined) return '—';
  return t('units.perSecond', { size: formatBytes(Math.max(0, bytesPerSecond)) });
}
