/** The colour tokens a chart paints with; base.css gives each a light and a dark value. */
export interface ChartPalette {
  /** Axis labels and the legend. */
  text: string;
  grid: string;
  tooltipBackground: string;
  tooltipText: string;
  tooltipBorder: string;
}

/** A colour token's value as the window shows it now (the canvas cannot read CSS variables itself). */
export function tokenColor(token: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(token).trim();
}

export function chartPalette(): ChartPalette {
  return {
    text: tokenColor('--chart-text'),
    grid: tokenColor('--chart-grid'),
    tooltipBackground: tokenColor('--chart-tooltip-bg'),
    tooltipText: tokenColor('--chart-tooltip-text'),
    tooltipBorder: tokenColor('--chart-tooltip-border'),
  };
}
