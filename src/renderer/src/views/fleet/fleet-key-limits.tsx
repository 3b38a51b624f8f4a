import type { KeyLimitCounts } from '../../../../shared/contract/servers.ts';
import { EXPIRING_SOON_DAYS } from '../../../../shared/key-limits/key-limit-status.ts';
import { countOf } from '../../format/count-of.ts';

/** A server's keys that its limits stop, or will stop within the week. */
export function FleetKeyLimits({ counts }: { counts: KeyLimitCounts | null }) {
  if (!counts) return <span className="muted">—</span>;
  const parts = [
    { testId: 'fleet-limited', count: counts.limited, words: `${countOf(counts.limited, 'key')} limited`, tone: 'status-limited' },
    { testId: 'fleet-expired', count: counts.expired, words: `${countOf(counts.expired, 'key')} expired`, tone: 'status-expired' },
    {
      testId: 'fleet-expiring',
      count: counts.expiringSoon,
      words: `${countOf(counts.expiringSoon, 'key')} expire${counts.expiringSoon === 1 ? 's' : ''} within ${EXPIRING_SOON_DAYS} days`,
      tone: 'expiry-soon',
    },
  ].filter((part) => part.count > 0);
  if (parts.length === 0) return <span className="muted" data-testid="fleet-limits-none">none limited, expired or expiring</span>;
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
