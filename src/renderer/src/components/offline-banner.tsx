import type { Cached } from '../../../shared/contract/services.ts';
import { formatLocalTime } from '../format/format-time.ts';

/**
 * Says when a view shows the cache instead of the server, and how old it is: the oldest cached
 * answer among those the view shows.
 */
export function OfflineBanner({ reads }: { reads: readonly (Cached<unknown> | undefined)[] }) {
  const cachedAt = reads
    .filter((read): read is Cached<unknown> => read?.source === 'cache')
    .map((read) => read.syncedAt)
    .sort()[0];
  if (!cachedAt) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner" data-synced-at={cachedAt}>
      Offline — showing data from {formatLocalTime(cachedAt)}
    </div>
  );
}
