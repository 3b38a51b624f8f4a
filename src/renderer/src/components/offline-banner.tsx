import type { Cached } from '../../../shared/contract/services.ts';
import { formatUtcTime } from '../format/format-time.ts';
import { useTranslation } from 'react-i18next';

/**
 * Says when a view shows the cache instead of the server, and how old it is: the oldest cached
 * answer among those the view shows.
 */
export function OfflineBanner({ reads }: { reads: readonly (Cached<unknown> | undefined)[] }) {
  const { t } = useTranslation();
  const cachedAt = reads
    .filter((read): read is Cached<unknown> => read?.source === 'cache')
    .map((read) => read.syncedAt)
    .sort()[0];
  if (!cachedAt) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner" data-synced-at={cachedAt}>
      {t('offline.banner', { time: formatUtcTime(cachedAt) })}
    </div>
  );
}
