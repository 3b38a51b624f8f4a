import { countOf } from '../../format/count-of.ts';
import { formatLocalTime } from '../../format/format-time.ts';
import type { MoveRun } from '../../state/people-store.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { moveProgressWords, moveSummary } from './move-summary.ts';

/** A move under way (its step and a bar), then what it did: who moved, who did not and why, what else failed. */
export function MoveOutcome({ run, sourceName, targetName }: { run: MoveRun; sourceName: string; targetName: string }) {
  const { progress, result } = run;
  if (run.running) {
    return (
      <div className="create-many-progress" role="status" data-testid="move-progress" data-step={progress?.step ?? 'reading'}>
        {progress && (progress.step === 'creating' || progress.step === 'disabling') && <progress value={progress.done} max={Math.max(progress.total, 1)} />}{' '}
        {progress ? moveProgressWords(progress, sourceName, targetName) : `Reading the keys of every server…`}
      </div>
    );
  }
  if (!result) return <InlineError message={run.error} testId="move-error" />;
  const summary = moveSummary(result, targetName);
  return (
    <div className="move-summary" data-testid="move-summary" data-moved={summary.moved.length} data-not-moved={summary.notMoved.length}>
      <p className="created-note" role="status">
        {countOf(summary.moved.length, 'person', 'people')} on {targetName} now
        {summary.notMoved.length > 0 ? `; ${countOf(summary.notMoved.length, 'person', 'people')} not moved` : ''}.
      </p>
      {summary.moved.length > 0 && (
        <ul data-testid="move-moved">
          {summary.moved.map((entry) => (
            <li key={entry.uuid}>
              {entry.name}: {entry.created ? `a key was made on ${targetName}` : `had a key on ${targetName} already`}
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
          <p>What failed:</p>
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
          Their keys on {sourceName} are disabled after {formatLocalTime(summary.pending[0]!.dueAt)}, by the first People view or <code>keyport people</code>{' '}
          command after that.
        </p>
      )}
    </div>
  );
}
