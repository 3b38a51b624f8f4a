import type { ServerSettingsUpdate } from '../../shared/contract/api-types.ts';
import { EXIT } from './exit-codes.ts';
import type { CliWords } from './i18n/cli-i18n.ts';

type Applied = NonNullable<ServerSettingsUpdate['applied']>;

/** How a settings change reached Xray, in a line; `taken` words a change Xray took. */
export function appliedLine(t: CliWords, applied: ServerSettingsUpdate['applied'], taken: (applied: Applied) => string): string {
  if (!applied) return `${t('settings.noChange')}\n`;
  return `${applied.ok ? taken(applied) : t('settings.notYet', { detail: applied.detail })}\n`;
}

/** A change Xray did not take yet exits `failed`: it is stored, and applied at the next sync. */
export const appliedExit = (update: ServerSettingsUpdate): number | undefined => (update.applied === null || update.applied.ok ? undefined : EXIT.failed);
