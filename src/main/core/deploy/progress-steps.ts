import type { DeployProgress, DeployStepName } from '../../../shared/contract/deploy.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';

export interface StepOutcome<T> {
  value: T;
  message: string;
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

  async run<T>(step: DeployStepName, startMessage: string, action: () => Promise<StepOutcome<T>>): Promise<T> {
    this.#onProgress({ step, state: 'started', message: startMessage });
    try {
      await this.#beforeStep();
      const outcome = await action();
      this.#onProgress({ step, state: outcome.skipped ? 'skipped' : 'done', message: outcome.message });
      return outcome.value;
    } catch (error) {
      this.#onProgress({ step, state: 'failed', message: (error as Error).message });
      throw namingStep(error, step);
    }
  }
}

function namingStep(error: unknown, step: DeployStepName): KeyportError {
  if (error instanceof KeyportError) return error.facts.step ? error : new KeyportError(error.code, error.message, { ...error.facts, step });
  const named = new KeyportError('deploy-failed', error instanceof Error ? error.message : String(error), { step });
  named.cause = error;
  return named;
}
