import { formatBytes } from '../../../shared/agent-api.ts';
import type { ConfigStatusReport } from '../../../shared/contract/api-types.ts';

type XrayProcess = ConfigStatusReport['xray']['process'];

/** "812.00 MB resident · 10,013 of 524,288 open files"; null when Xray does not run or the agent reports nothing. */
export function xrayUsageWords(process: XrayProcess): string | null {
  if (!process.running) return null;
  const parts: string[] = [];
  // An agent older than these fields leaves them out.
  if (typeof process.rss_bytes === 'number') parts.push(`${formatBytes(process.rss_bytes)} resident`);
  if (typeof process.open_fds === 'number') {
    const limit = typeof process.open_files_limit === 'number' ? ` of ${process.open_files_limit.toLocaleString()}` : '';
    parts.push(`${process.open_fds.toLocaleString()}${limit} open files`);
  }
  return parts.length === 0 ? null : parts.join(' · ');
}
