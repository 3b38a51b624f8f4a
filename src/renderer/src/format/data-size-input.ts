import { parseDataSize, type DataSizeParse } from '../../../shared/key-limits/data-size.ts';
import { formattingLocale, t } from '../i18n/i18n.ts';

const UNIT_WORDS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** The Latin unit a word of the chosen language stands for: its shown symbol (ГиБ) or its other spelling (ГБ). */
function latinUnitOf(word: string): string | undefined {
  const folded = word.toLowerCase();
  return UNIT_WORDS.find((unit) => t(`units.${unit}`).toLowerCase() === folded || t(`typedUnits.${unit}`).toLowerCase() === folded);
}

/**
 * A size as typed in the window: in the chosen language's units and decimal mark ("1,5 ТиБ",
 * "1,5 ТБ"), or as the CLI takes it ("1.5TB", "1.5TiB"); all read by the one rule of
 * shared/key-limits/data-size.ts, 1024-based as sizes are shown.
 */
export function readDataSize(text: string): DataSizeParse {
  const match = /^\s*([\d.,]*)\s*(\p{L}*)\s*$/u.exec(text);
  if (!match) return parseDataSize(text);
  const [, number = '', unit = ''] = match;
  const latinUnit = latinUnitOf(unit) ?? unit;
  // Letters of another script that are none of the language's units: a unit, just not one there is.
  if (!/^[a-z]*$/i.test(latinUnit)) return { ok: false, problem: 'unknown-unit' };
  const decimalMark = new Intl.NumberFormat(formattingLocale()).formatToParts(1.5).find((part) => part.type === 'decimal')?.value;
  const latinNumber = decimalMark === ',' ? number.replace(',', '.') : number;
  return parseDataSize(latinUnit === '' ? latinNumber : `${latinNumber} ${latinUnit}`);
}
