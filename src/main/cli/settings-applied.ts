import type { ServerSettingsUpdate } from '../../shared/contract/api-types.ts';
import { EXIT } from './exit-codes.ts';

type Applied = NonNullable<ServerSettingsUpdate['applied']>;

/** How a settings change reached Xray, in a line; `taken` words a change Xray took. */
export function appliedLine(applied: ServerSettingsUpdate['applied'], taken: (applied: Applied) => string): string {
  if (!applied) return 'Stored; Xray needed no change.\n';
  return applied.ok ? `${taken(applied)}\n` : `Stored, but Xray did not take it yet: ${applied.detail}\n`;
}

/** A change Xray did not take yet exits `failed`: it is stored, and applied at the next sync. */
export const appliedExit = (update: ServerSettingsUpdate): number | undefined => (update.applied === null || update.applied.ok ? undefined : EXIT.failed);
