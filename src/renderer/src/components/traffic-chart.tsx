import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration, type ChartOptions, type Plugin } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { byteAxis } from '../format/byte-axis.ts';
import { formatBytes } from '../format/format-bytes.ts';
import { formatDay, formatMonth } from '../format/format-time.ts';
import { useThemeStore } from '../state/theme-store.ts';
import { chartPalette, tokenColor, type ChartPalette } from './chart-palette.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface ChartSeries {
  label: string;
  values: number[];
  /** A colour token (a CSS custom property's name), so the bars follow the theme. */
  color: string;
}

interface TrafficChartProps {
  /** On the canvas; its wrapper is `<testId>-wrapper` and carries data-ready, data-points, data-draw-ms. */
  testId: string;
  title: string;
  /** UTC days (YYYY-MM-DD) or months (YYYY-MM), drawn in the chosen language. */
  labels: string[];
  series: ChartSeries[];
}

const shownLabel = (label: string) => (label.length === 7 ? formatMonth(label, { short: true }) : formatDay(label, { short: true }));

export const RX_COLOR = '--chart-rx';
export const TX_COLOR = '--chart-tx';

/**
 * Stacked byte bars (rx under tx) per label. Animation is off and the chart is updated in place
 * when its data changes, so a year of days draws in one frame. The wrapper says when the chart
 * has drawn and how many points it holds, for tests and the benchmark to wait on. Its colours
 * are the theme's tokens, read again when the theme changes.
 */
export function TrafficChart({ testId, title, labels, series }: TrafficChartProps) {
  const wrapper = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar', number[], string> | null>(null);
  const drawStartedAt = useRef(0);
  const theme = useThemeStore((state) => state.theme);
  const { i18n } = useTranslation();
  const language = i18n.language;

  useEffect(() => {
    const box = wrapper.current;
    const element = canvas.current;
    if (!box || !element) return;
    box.dataset.ready = 'false';
    drawStartedAt.current = performance.now();
    const datasets = series.map((line) => ({ label: line.label, data: line.values, backgroundColor: tokenColor(line.color), borderWidth: 0, stack: 'bytes' }));
    const options = chartOptions(series, chartPalette());
    const shown = labels.map(shownLabel);
    if (chart.current) {
      chart.current.data.labels = shown;
      chart.current.data.datasets = datasets;
      chart.current.options = options;
      chart.current.update('none');
      return;
    }
    const markDrawn: Plugin<'bar'> = {
      id: 'keyport-drawn',
      afterDraw(drawn) {
        if (box.dataset.ready === 'true') return;
        box.dataset.ready = 'true';
        box.dataset.points = String(drawn.data.labels?.length ?? 0);
        box.dataset.drawMs = (performance.now() - drawStartedAt.current).toFixed(1);
      },
    };
    const config: ChartConfiguration<'bar', number[], string> = { type: 'bar', data: { labels: shown, datasets }, plugins: [markDrawn], options };
    chart.current = new Chart(element, config);
    // The theme and the language: colours, labels, ticks and tooltips are drawn in them.
  }, [labels, series, theme, language]);

  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={wrapper} className="chart-box" data-testid={`${testId}-wrapper`} data-ready="false" data-points="0">
        <canvas ref={canvas} data-testid={testId} role="img" aria-label={title} />
      </div>
    </figure>
  );
}

function chartOptions(series: ChartSeries[], palette: ChartPalette): ChartOptions<'bar'> {
  const ticks = { color: palette.text };
  const y = yScale(series);
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    normalized: true,
    interaction: { mode: 'index', intersect: false },
    datasets: { bar: { categoryPercentage: 0.9, barPercentage: 0.9 } },
    scales: {
      x: { stacked: true, grid: { display: false }, border: { color: palette.grid }, ticks: { ...ticks, autoSkip: true, maxTicksLimit: 12, maxRotation: 0 } },
      y: { ...y, grid: { color: palette.grid }, border: { color: palette.grid }, ticks: { ...ticks, ...y.ticks } },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12, color: palette.text } },
      tooltip: {
        backgroundColor: palette.tooltipBackground,
        titleColor: palette.tooltipText,
        bodyColor: palette.tooltipText,
        borderColor: palette.tooltipBorder,
        borderWidth: 1,
        callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatBytes(item.parsed.y ?? 0)}` },
      },
    },
  };
}

/** The stacked bars' axis, with gridlines at round byte amounts (see byteAxis). */
function yScale(series: ChartSeries[]) {
  const stackedMax = Math.max(0, ...(series[0]?.values ?? []).map((_, index) => series.reduce((sum, line) => sum + (line.values[index] ?? 0), 0)));
  const axis = byteAxis(stackedMax);
  return { stacked: true, min: 0, max: axis.max, ticks: { stepSize: axis.step, callback: (value: string | number) => axis.label(Number(value)) } };
}
