import { byteUnit } from '../../../shared/agent-api.ts';
import { t } from '../i18n/i18n.ts';
import { formatDecimal } from './format-number.ts';

/**
 * A size as the agent's formatBytes counts it (1024-based, two decimals above bytes: "36.69 MB"),
 * written in the chosen language ("36,69 МБ").
 */
export function formatBytes(bytes: number): string {
  const { value, unit } = byteUnit(bytes);
  return `${unit === 'B' ? String(Math.round(value)) : formatDecimal(value)} ${t(`units.${unit}`)}`;
}
