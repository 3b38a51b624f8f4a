import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import { expiresAtMs, keyStatusAt, timeDistance } from '../../../../shared/key-limits/key-limit-status.ts';
import { useTranslation } from 'react-i18next';
import { formatUtcTime } from '../../format/format-time.ts';
import { keyStatusNotice } from '../../format/key-limit-words.ts';

/** Above the link and QR code: a key that does not connect says so, and why. */
export function KeyStatusNotice({ apiKey, nowMs }: { apiKey: ApiKey; nowMs: number }) {
  const { t } = useTranslation();
  const status = keyStatusAt(apiKey, nowMs);
  const expires = expiresAtMs(apiKey);
  const notice = keyStatusNotice(apiKey, status, expires === null ? null : timeDistance(expires, nowMs));
  if (!notice) return null;
  return (
    <div className={`key-status-notice status-${notice.status}`} role="status" data-testid="key-status-notice" data-status={notice.status}>
      <strong>{notice.title}.</strong> {notice.why}
      {notice.status === 'expired' && apiKey.expires_at && <span className="muted"> {t('keyStatus.expiryAt', { time: formatUtcTime(apiKey.expires_at) })}</span>}
    </div>
  );
}
