import type { ServerOutcome } from '../../../../shared/contract/people.ts';

/** The steps of a change that failed, each with its server and why; nothing when all were done. */
export function ChangeFailures({ outcomes, testId }: { outcomes: readonly ServerOutcome[] | undefined; testId: string }) {
  const failed = (outcomes ?? []).filter((outcome) => !outcome.done);
  if (failed.length === 0) return null;
  return (
    <ul className="inline-error" role="alert" data-testid={testId}>
      {failed.map((outcome, index) => (
        <li key={`${outcome.server}:${outcome.what}:${index}`}>
          {outcome.server}: {outcome.what} failed: {outcome.done ? '' : outcome.message}
        </li>
      ))}
    </ul>
  );
}
