import { Trans, useTranslation } from 'react-i18next';
import { CORE_LANGUAGE } from '../format/error-message.ts';
import { retryWords, unreachableWords } from '../format/server-condition-words.ts';
import { useSecondsUntil } from '../hooks/use-seconds-until.ts';
import { useServerCondition } from '../hooks/use-server-condition.ts';
import { selectServer, useFleetStore } from '../state/fleet-store.ts';
import { isUnreachableState } from '../state/server-condition.ts';

/**
 * Why the server cannot be reached, said once for the whole view, with a countdown to the next try
 * that moves (the views below it show the cache, or that they have nothing, without repeating it).
 * A host key to check has its own alert, with the fingerprints.
 */
export function ReachNotice({ serverId, className, testId }: { serverId: string; className: string; testId: string }) {
  const { t } = useTranslation();
  const condition = useServerCondition(serverId);
  const serverName = useFleetStore(selectServer(serverId))?.name ?? serverId;
  const secondsLeft = useSecondsUntil(condition.retryAt);
  const words = unreachableWords(condition, serverName);
  if (!words || !isUnreachableState(condition.state) || condition.state === 'host-key-changed' || condition.state === 'host-key-unknown') return null;
  const retry = retryWords(secondsLeft);
  return (
    <div className={className} role="status" data-testid={testId} data-state={condition.state}>
      {words.details === null ? (
        words.summary
      ) : (
        // The core writes in English: marked so, read out as English and left alone by page translators, like an error to search for.
        <Trans t={t} i18nKey="reachNotice.withCoreDetails" values={{ summary: words.summary, details: words.details }} components={{ core: <span className="core-details" lang={CORE_LANGUAGE} translate="no" /> }} />
      )}
      {retry && (
        <>
          {' '}
          <span className="reach-retry" aria-live="off" data-testid="reach-retry" data-seconds={secondsLeft ?? undefined}>
            {retry}
          </span>
        </>
      )}
    </div>
  );
}
