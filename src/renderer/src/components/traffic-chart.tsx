import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration, type Plugin } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { byteAxis } from '../format/byte-axis.ts';
import { formatBytes } from '../format/format-bytes.ts';
import { formatDay, formatMonth } from '../format/format-time.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface ChartSeries {
  label: string;
  values: number[];
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

export const RX_COLOR = '#2563eb';
export const TX_COLOR = '#ea7a0c';

/**
 * Stacked byte bars (rx under tx) per label. Animation is off and the chart is updated in place
 * when its data changes, so a year of days draws in one frame. The wrapper says when the chart
 * has drawn and how many points it holds, for tests and the benchmark to wait on.
 */
export function TrafficChart({ testId, title, labels, series }: TrafficChartProps) {
  const wrapper = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar', number[], string> | null>(null);
  const drawStartedAt = useRef(0);
  const { i18n } = useTranslation();
  const language = i18n.language;

  useEffect(() => {
    const box = wrapper.current;
    const element = canvas.current;
    if (!box || !element) return;
    box.dataset.ready = 'false';
    drawStartedAt.current = performance.now();
    const datasets = series.map((line) => ({ label: line.label, data: line.values, backgroundColor: line.color, borderWidth: 0, stack: 'bytes' }));
    const y = yScale(series);
    const shown = labels.map(shownLabel);
    if (chart.current) {
      chart.current.data.labels = shown;
      chart.current.data.datasets = datasets;
      chart.current.options.scales = { ...chart.current.options.scales, y };
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
    const config: ChartConfiguration<'bar', number[], string> = {
      type: 'bar',
      data: { labels: shown, datasets },
      plugins: [markDrawn],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        normalized: true,
        interaction: { mode: 'index', intersect: false },
        datasets: { bar: { categoryPercentage: 0.9, barPercentage: 0.9 } },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { autoSkip: true, maxTicksLimit: 12, maxRotation: 0 } },
          y,
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatBytes(item.parsed.y ?? 0)}` } },
        },
      },
    };
    chart.current = new Chart(element, config);
    // The language: labels, ticks and tooltips are drawn in it.
  }, [labels, series, language]);

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

/** The stacked bars' axis, with gridlines at round byte amounts (see byteAxis). */
function yScale(series: ChartSeries[]) {
  const stackedMax = Math.max(0, ...(series[0]?.values ?? []).map((_, index) => series.reduce((sum, line) => sum + (line.values[index] ?? 0), 0)));
  const axis = byteAxis(stackedMax);
  return { stacked: true, min: 0, max: axis.max, ticks: { stepSize: axis.step, callback: (value: string | number) => axis.label(Number(value)) } };
}
