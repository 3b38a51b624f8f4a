import type { DeployProgress } from '../../shared/contract/deploy.ts';
import { deployNoteText } from '../../shared/i18n/deploy-notes/deploy-note-text.ts';
import type { CommandContext } from './command.ts';
import { cliLanguage, cliWords } from './i18n/cli-i18n.ts';

/**
 * Progress as it comes: `[step] what it did` lines in the CLI's language, or JSON lines on stderr
 * when stdout carries the JSON result (the notes as they are, and `message` in English for logs).
 */
export function progressPrinter(context: CommandContext): (progress: DeployProgress) => void {
  const language = cliLanguage(context.env);
  const t = cliWords(context.env);
  return (progress) => {
    if (context.json) {
      const message = progress.failure?.message ?? deployNoteText(progress.notes, 'en');
      context.stderr.write(`${JSON.stringify({ ...progress, message })}\n`);
      return;
    }
    const text = progress.failure ? failureText(progress.failure, language === 'en', t) : deployNoteText(progress.notes, language);
    const line = progress.state === 'skipped' || progress.state === 'failed' ? t(`progress.${progress.state}`, { text }) : text;
    context.stdout.write(`[${progress.step}] ${line}\n`);
  };
}

/** The core's message in English; in another language, the CLI's words for the code lead and the message follows. */
function failureText(failure: NonNullable<DeployProgress['failure']>, english: boolean, t: ReturnType<typeof cliWords>): string {
  return english ? failure.message : t('report.withSummary', { summary: t(`report.summary.${failure.code}`), message: failure.message });
}
