import type { DataLimitReset, KeyStatus } from '../../../shared/agent-api.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import type { TimeDistance } from '../../../shared/key-limits/key-limit-status.ts';
import { t } from '../i18n/i18n.ts';
import { formatBytes } from './format-bytes.ts';

export function keyStatusLabel(status: KeyStatus): string {
  return t(`keyStatus.${status}`);
}

/** A reset period as the select offers it; periods are UTC, as the agent counts them. */
export function resetLabel(reset: DataLimitReset): string {
  return t(`limits.reset.${reset}`);
}

/** When a limited key's quota starts again by itself, as the agent's periods say; null when it never does. */
export function resetWhen(reset: DataLimitReset): string | null {
  return reset === 'no_reset' ? null : t(`limits.resetWhen.${reset}`);
}

/** "in 3 days", "in 5 h", "expired 2 h ago", "expired just now"; null (no expiry) is "never". */
export function expiryWords(distance: TimeDistance | null): string {
  if (distance === null) return t('common.never');
  if (distance.value === 0 && distance.unit === 'minute') return distance.past ? t('expiry.justNow') : t('expiry.underMinute');
  const amount = t(`expiry.${distance.unit}`, { count: distance.value });
  return distance.past ? t('expiry.ago', { amount }) : t('expiry.in', { amount });
}

export interface StatusNoticeWords {
  status: Exclude<KeyStatus, 'active'>;
  title: string;
  why: string;
}

/** Why a key does not work, and what brings it back, for the place its link and QR code are shown. */
export function keyStatusNotice(
  key: Pick<ApiKey, 'used_bytes' | 'data_limit_bytes' | 'data_limit_reset'>,
  status: KeyStatus,
  expiry: TimeDistance | null,
): StatusNoticeWords | null {
  const title = keyStatusLabel(status);
  switch (status) {
    case 'active':
      return null;
    case 'disabled':
      return { status, title, why: t('keyStatus.notice.disabled') };
    case 'limited': {
      const used =
        key.data_limit_bytes === null
          ? t('keyStatus.notice.limited')
          : t('keyStatus.notice.limitedOf', { used: formatBytes(key.used_bytes), limit: formatBytes(key.data_limit_bytes) });
      const when = resetWhen(key.data_limit_reset);
      const back = when ? t('keyStatus.notice.backWhen', { when }) : t('keyStatus.notice.backRaised');
      return { status, title, why: `${used} ${back} ${t('keyStatus.notice.notConnecting')}` };
    }
    case 'expired': {
      const expired = t('keyStatus.notice.expired', { expiry: expiry ? expiryWords(expiry) : t('keyStatus.notice.hasExpired') });
      return { status, title, why: `${expired} ${t('keyStatus.notice.notConnecting')}` };
    }
  }
}
