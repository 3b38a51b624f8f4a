import { useTranslation } from 'react-i18next';
import type { KeyLimitCounts } from '../../../../shared/contract/servers.ts';
import { EXPIRING_SOON_DAYS } from '../../../../shared/key-limits/key-limit-status.ts';

/** A server's keys that its limits stop, or will stop within the week. */
export function FleetKeyLimits({ counts }: { counts: KeyLimitCounts | null }) {
  const { t } = useTranslation();
  if (!counts) return <span className="muted">—</span>;
  const parts = [
    { testId: 'fleet-limited', count: counts.limited, words: t('fleet.limited', { count: counts.limited }), tone: 'status-limited' },
    { testId: 'fleet-expired', count: counts.expired, words: t('fleet.expired', { count: counts.expired }), tone: 'status-expired' },
    {
      testId: 'fleet-expiring',
      count: counts.expiringSoon,
      words: t('fleet.expiring', { count: counts.expiringSoon, days: EXPIRING_SOON_DAYS }),
      tone: 'expiry-soon',
    },
  ].filter((part) => part.count > 0);
  if (parts.length === 0) return <span className="muted" data-testid="fleet-limits-none">{t('fleet.noLimits')}</span>;
  return (
    <ul className="fleet-key-limits">
      {parts.map((part) => (
        <li key={part.testId} className={part.tone} data-testid={part.testId} data-count={part.count}>
          {part.words}
        </li>
      ))}
    </ul>
  );
}
