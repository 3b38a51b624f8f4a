import { useTranslation } from 'react-i18next';
import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import { deployNoteParts, deployNoteText, type NotePart } from '../../../shared/i18n/deploy-notes/deploy-note-text.ts';
import { failureParts, failureWords } from '../format/error-message.ts';
import { currentLanguage, t as words } from '../i18n/i18n.ts';

const STEP_MARKS: Record<DeployProgress['state'], string> = { started: '…', done: '✓', skipped: '–', failed: '✗' };

/** One line per step: a step's "started" gives way to how it ended. */
export function stepLines(steps: readonly DeployProgress[]): DeployProgress[] {
  const lines: DeployProgress[] = [];
  for (const progress of steps) {
    const last = lines.at(-1);
    if (last && last.step === progress.step && last.state === 'started') lines[lines.length - 1] = progress;
    else lines.push(progress);
  }
  return lines;
}

/** What a step did or why it failed, in the window's language. */
export function stepText(progress: DeployProgress): string {
  const { failure } = progress;
  return failure ? failureWords(failure.code, failure.facts, failure.message) : deployNoteText(progress.notes, currentLanguage());
}

const DETAILS = '\u0002';

function stepParts(progress: DeployProgress): NotePart[] {
  const { failure } = progress;
  if (!failure) return deployNoteParts(progress.notes, currentLanguage());
  const { summary, details } = failureParts(failure.code, failure.facts, failure.message);
  if (details === null) return [{ text: summary, fact: false }];
  // The core's message goes where the language puts the details, kept apart as the core wrote it.
  const [before = '', after = ''] = words('errors.withDetails', { summary, details: DETAILS }).split(DETAILS);
  return [{ text: before, fact: false }, { text: details, fact: true }, { text: after, fact: false }];
}

/**
 * A step's line: the window's words, and the facts (paths, versions, commands, the core's own
 * message) as the server or the core gave them, marked so that no translator rewrites them.
 */
function StepMessage({ progress }: { progress: DeployProgress }) {
  return (
    <span className="step-message">
      {stepParts(progress).map((part, index) =>
        part.fact ? (
          <span key={index} className="step-fact" translate="no">
            {part.text}
          </span>
        ) : (
          part.text
        ),
      )}
    </span>
  );
}

/** A live step log (deploy, Xray install): each step's mark, name and what it did. */
export function StepList({ steps }: { steps: readonly DeployProgress[] }) {
  const { t } = useTranslation();
  return (
    <ol>
      {stepLines(steps).map((progress, index) => (
        <li key={index} className={`step step-${progress.state}`} data-step={progress.step} data-state={progress.state}>
          <span className="step-mark" aria-hidden="true">
            {STEP_MARKS[progress.state]}
          </span>
          <span className="step-name">{t(`deploy.steps.${progress.step}`)}</span>
          <StepMessage progress={progress} />
        </li>
      ))}
    </ol>
  );
}
