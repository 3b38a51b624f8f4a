import { useTranslation } from 'react-i18next';
import type { ServerOutcome } from '../../../../shared/contract/people.ts';
import { failureWords } from '../../format/error-message.ts';

/** The steps of a change that failed, each with its server and why; nothing when all were done. */
export function ChangeFailures({ outcomes, testId }: { outcomes: readonly ServerOutcome[] | undefined; testId: string }) {
  const { t } = useTranslation();
  const failed = (outcomes ?? []).filter((outcome) => !outcome.done);
  if (failed.length === 0) return null;
  return (
    <ul className="inline-error" role="alert" data-testid={testId}>
      {failed.map((outcome, index) => (
        <li key={`${outcome.server}:${outcome.what}:${index}`}>
          {t('people.failure', { server: outcome.server, what: outcome.what, message: outcome.done ? '' : failureWords(outcome.code, {}, outcome.message) })}
        </li>
      ))}
    </ul>
  );
}
