import { useTranslation } from 'react-i18next';
import type { DeployProgress } from '../../../shared/contract/deploy.ts';

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

/** A live step log (deploy, Xray install): each step's mark, name and message. */
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
          <span className="step-message">{progress.message}</span>
        </li>
      ))}
    </ol>
  );
}
