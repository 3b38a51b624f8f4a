import type { ConfigStatusReport } from '../../../shared/contract/api-types.ts';
import { t } from '../i18n/i18n.ts';
import { formatBytes } from './format-bytes.ts';

type XrayProcess = ConfigStatusReport['xray']['process'];

/** "812.00 MB resident · 10,013 of 524,288 open files"; null when Xray does not run or the agent reports nothing. */
export function xrayUsageWords(process: XrayProcess): string | null {
  if (!process.running) return null;
  const parts: string[] = [];
  // An agent older than these fields leaves them out.
  if (typeof process.rss_bytes === 'number') parts.push(t('system.usage.resident', { size: formatBytes(process.rss_bytes) }));
  if (typeof process.open_fds === 'number') {
    parts.push(
      typeof process.open_files_limit === 'number'
        ? t('system.usage.openFilesOf', { count: process.open_fds, limit: process.open_files_limit })
        : t('system.usage.openFiles', { count: process.open_fds }),
    );
  }
  return parts.length === 0 ? null : parts.join(' · ');
}
