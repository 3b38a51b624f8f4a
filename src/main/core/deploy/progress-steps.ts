import type { DeployProgress, DeployStepName } from '../../../shared/contract/deploy.ts';
import type { DeployNote } from '../../../shared/contract/deploy-notes.ts';
import { KeyportError, isKeyportError } from '../../../shared/contract/errors.ts';

export interface StepOutcome<T> {
  value: T;
  /** What the step did, in notes (see DeployNote). */
  notes: DeployNote[];
  skipped?: boolean;
}

/**
 * Runs a deploy's steps one after another and reports each as started, then done, skipped or
 * failed. Messages name files, releases and versions, never a secret. A failure is thrown as a
 * KeyportError whose facts name the step (`step`): its own code kept, `deploy-failed` for others.
 */
export class ProgressSteps {
  readonly #onProgress: (progress: DeployProgress) => void;
  readonly #beforeStep: () => Promise<void>;

  constructor(onProgress: ((progress: DeployProgress) => void) | undefined, beforeStep: () => Promise<void> = async () => undefined) {
    this.#onProgress = onProgress ?? (() => undefined);
    this.#beforeStep = beforeStep;
  }

  async run<T>(step: DeployStepName, starting: DeployNote, action: () => Promise<StepOutcome<T>>): Promise<T> {
    this.#onProgress({ step, state: 'started', notes: [starting] });
    try {
      await this.#beforeStep();
      const outcome = await action();
      this.#onProgress({ step, state: outcome.skipped ? 'skipped' : 'done', notes: outcome.notes });
      return outcome.value;
    } catch (error) {
      this.#onProgress({ step, state: 'failed', notes: [], failure: failureOf(error) });
      throw namingStep(error, step);
    }
  }
}

function failureOf(error: unknown): NonNullable<DeployProgress['failure']> {
  const message = error instanceof Error ? error.message : String(error);
  return isKeyportError(error) ? { code: error.code, message, facts: error.facts } : { code: 'unexpected', message, facts: {} };
}

function namingStep(error: unknown, step: DeployStepName): KeyportError {
  if (error instanceof KeyportError) return error.facts.step ? error : new KeyportError(error.code, error.message, { ...error.facts, step });
  const named = new KeyportError('deploy-failed', error instanceof Error ? error.message : String(error), { step });
  named.cause = error;
  return named;
}
