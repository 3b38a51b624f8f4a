import type { DeployProgress } from '../../shared/contract/deploy.ts';
import type { CommandContext } from './command.ts';

/** Progress as it comes: `[step] message` lines, or JSON lines on stderr when stdout carries the JSON result. */
export function progressPrinter(context: CommandContext): (progress: DeployProgress) => void {
  return (progress) => {
    if (context.json) {
      context.stderr.write(`${JSON.stringify(progress)}\n`);
      return;
    }
    const state = progress.state === 'skipped' || progress.state === 'failed' ? `${progress.state}: ` : '';
    context.stdout.write(`[${progress.step}] ${state}${progress.message}\n`);
  };
}
