import { formattingLocale } from '../i18n/i18n.ts';

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const locale = formattingLocale();
  const id = `${locale} ${JSON.stringify(options)}`;
  let format = formats.get(id);
  if (!format) formats.set(id, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

/** A count or a port total in the chosen language: 10,013 or 10 013. */
export function formatNumber(value: number): string {
  return numberFormat().format(value);
}

/** A size with two decimals, as the agent writes them: 36.69 or 36,69. */
export function formatDecimal(value: number): string {
  return numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(value);
}
