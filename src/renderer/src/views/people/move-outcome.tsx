import { Trans, useTranslation } from 'react-i18next';
import { formatUtcTime } from '../../format/format-time.ts';
import type { MoveRun } from '../../state/people-store.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { moveProgressWords, moveSummary } from './move-summary.ts';

/** A move under way (its step and a bar), then what it did: who moved, who did not and why, what else failed. */
export function MoveOutcome({ run, sourceName, targetName }: { run: MoveRun; sourceName: string; targetName: string }) {
  const { t } = useTranslation();
  const { progress, result } = run;
  if (run.running) {
    return (
      <div className="create-many-progress" role="status" data-testid="move-progress" data-step={progress?.step ?? 'reading'}>
        {progress && (progress.step === 'creating' || progress.step === 'disabling') && <progress value={progress.done} max={Math.max(progress.total, 1)} />}{' '}
        {progress ? moveProgressWords(progress, sourceName, targetName) : t('move.reading')}
      </div>
    );
  }
  if (!result) return <InlineError message={run.error} testId="move-error" />;
  const summary = moveSummary(result, targetName);
  return (
    <div className="move-summary" data-testid="move-summary" data-moved={summary.moved.length} data-not-moved={summary.notMoved.length}>
      <p className="created-note" role="status">
        {summary.notMoved.length > 0
          ? t('move.onTargetNotMoved', {
              people: t('counts.people', { count: summary.moved.length }),
              server: targetName,
              notMoved: t('counts.people', { count: summary.notMoved.length }),
            })
          : t('move.onTarget', { people: t('counts.people', { count: summary.moved.length }), server: targetName })}
      </p>
      {summary.moved.length > 0 && (
        <ul data-testid="move-moved">
          {summary.moved.map((entry) => (
            <li key={entry.uuid}>
              {t(entry.created ? 'move.keyMade' : 'move.hadKey', { name: entry.name, server: targetName })}
            </li>
          ))}
        </ul>
      )}
      {summary.notMoved.length > 0 && (
        <ul className="inline-error" data-testid="move-not-moved">
          {summary.notMoved.map((entry) => (
            <li key={entry.uuid}>
              {entry.name}: {entry.why}
            </li>
          ))}
        </ul>
      )}
      {summary.failures.length > 0 && (
        <>
          <p>{t('move.whatFailed')}</p>
          <ul className="inline-error" data-testid="move-failures">
            {summary.failures.map((failure, index) => (
              <li key={index}>
                {failure.server}: {failure.what}: {failure.why}
              </li>
            ))}
          </ul>
        </>
      )}
      {summary.pending.length > 0 && (
        <p className="muted" data-testid="move-pending">
          <Trans t={t} i18nKey="move.pending" values={{ server: sourceName, time: formatUtcTime(summary.pending[0]!.dueAt) }} components={{ code: <code /> }} />
        </p>
      )}
    </div>
  );
}
