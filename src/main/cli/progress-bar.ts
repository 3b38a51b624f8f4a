import type { CommandContext } from './command.ts';

const BAR_WIDTH = 30;

/**
 * A bar of `done` out of `total` with `label` beside it, on stderr: redrawn in place on a terminal
 * (its line ended once done reaches total), a line per step otherwise.
 */
export function drawProgressBar(context: CommandContext, done: number, total: number, label: string): void {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * BAR_WIDTH);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${label}`;
  if (context.isTTY) context.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
  else context.stderr.write(`${line}\n`);
}
