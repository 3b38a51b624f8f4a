import { formatBytes, type DataLimitReset, type KeyStatus } from '../../../shared/agent-api.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import type { TimeDistance } from '../../../shared/key-limits/key-limit-status.ts';

export const KEY_STATUS_LABELS: Record<KeyStatus, string> = {
  active: 'Active',
  disabled: 'Disabled',
  limited: 'Limited',
  expired: 'Expired',
};

/** The reset periods as the select offers them; periods are UTC, as the agent counts them. */
export const RESET_LABELS: Record<DataLimitReset, string> = {
  no_reset: 'Never (no reset)',
  day: 'Daily (00:00 UTC)',
  week: 'Weekly (Monday 00:00 UTC)',
  month: 'Monthly (the 1st, 00:00 UTC)',
  year: 'Yearly (1 January, 00:00 UTC)',
};

/** When a limited key's quota starts again by itself, as the agent's periods say. */
export const RESET_WHEN: Record<DataLimitReset, string | null> = {
  no_reset: null,
  day: 'at 00:00 UTC',
  week: 'on Monday at 00:00 UTC',
  month: 'on the 1st of the month at 00:00 UTC',
  year: 'on 1 January at 00:00 UTC',
};

const UNIT_WORDS: Record<TimeDistance['unit'], [string, string]> = {
  minute: ['min', 'min'],
  hour: ['h', 'h'],
  day: ['day', 'days'],
};

function amount({ value, unit }: TimeDistance): string {
  const [one, many] = UNIT_WORDS[unit];
  return `${value} ${value === 1 ? one : many}`;
}

/** "in 3 days", "in 5 h", "expired 2 h ago", "expired just now"; null (no expiry) is "never". */
export function expiryWords(distance: TimeDistance | null): string {
  if (distance === null) return 'never';
  if (distance.value === 0 && distance.unit === 'minute') return distance.past ? 'expired just now' : 'in under a minute';
  return distance.past ? `expired ${amount(distance)} ago` : `in ${amount(distance)}`;
}

export interface StatusNoticeWords {
  status: Exclude<KeyStatus, 'active'>;
  title: string;
  why: string;
}

const NOT_CONNECTING = 'Until then the link and QR code below do not connect.';

/** Why a key does not work, and what brings it back, for the place its link and QR code are shown. */
export function keyStatusNotice(
  key: Pick<ApiKey, 'used_bytes' | 'data_limit_bytes' | 'data_limit_reset'>,
  status: KeyStatus,
  expiry: TimeDistance | null,
): StatusNoticeWords | null {
  switch (status) {
    case 'active':
      return null;
    case 'disabled':
      return { status, title: 'Disabled', why: 'This key is switched off. Until it is enabled, the link and QR code below do not connect.' };
    case 'limited': {
      const used = key.data_limit_bytes === null ? '' : ` ${formatBytes(key.used_bytes)} of its ${formatBytes(key.data_limit_bytes)}`;
      const when = RESET_WHEN[key.data_limit_reset];
      const back = when ? `It works again when the quota starts anew ${when}, or when the quota is raised.` : 'It works again when the quota is raised or removed.';
      return { status, title: 'Limited', why: `This key has used up${used} quota. ${back} ${NOT_CONNECTING}` };
    }
    case 'expired':
      return {
        status,
        title: 'Expired',
        why: `This key ${expiry ? expiryWords(expiry) : 'has expired'}. It works again when its expiry is moved on or set to never. ${NOT_CONNECTING}`,
      };
  }
}
