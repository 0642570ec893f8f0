/**
 * Charts of the daily report, rendered on the server to SVG strings by ECharts (server-side SVG
 * rendering: no DOM, no script in the output), from the bundle the dashboard uses too
 * (reports/echarts.ts). Only numbers, dates and port labels reach a chart; ECharts escapes the
 * text it writes into the SVG all the same.
 */
import { echarts, type EChartsOption, type LineSeriesOption } from './echarts';
import type { DailyReport, Series } from './daily-shape';
import { portLabel } from './render';

export const CHART_WIDTH = 480;
export const CHART_HEIGHT = 260;
/** Colour-blind-safe (Okabe–Ito), readable on white and in greyscale print. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const TEXT = { fontSize: 14, fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: '#333' };

/** Renders one option to an SVG string; the instance is always disposed. */
export function renderChart(option: EChartsOption, width = CHART_WIDTH, height = CHART_HEIGHT): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: TEXT, ...option });
    return chart.renderToSVGString({ useViewBox: true });
  } finally {
    chart.dispose();
  }
}

const seriesLabel = (s: { port: number | null; proto: string }) => portLabel(s.port, s.proto);

/** Axis labels: `HH` for one day, `MM-DD HH` over several, `MM-DD` for days. */
function timeLabels(labels: string[], unit: 'hour' | 'day'): string[] {
  if (unit === 'day') return labels.map((l) => l.slice(5, 10));
  const oneDay = labels.length <= 24;
  return labels.map((l) => (oneDay ? l.slice(11, 13) : `${l.slice(5, 10)} ${l.slice(11, 13)}h`));
}

const grid = (legend: boolean) => ({ left: 8, right: 16, top: legend ? 40 : 12, bottom: 8, containLabel: true });
const valueAxis = () => ({ type: 'value' as const, minInterval: 1, splitLine: { lineStyle: { color: '#e5e5e5' } } });
const legend = { top: 0, left: 0, itemWidth: 18, itemHeight: 10, textStyle: { fontSize: 13 } };

/** Unique scanning sources per hour (per day over long ranges). */
export function sourcesChart(r: DailyReport): string {
  return renderChart({
    grid: grid(false),
    xAxis: { type: 'category', data: timeLabels(r.overTime.labels, r.overTime.unit), axisTick: { alignWithLabel: true } },
    yAxis: valueAxis(),
    series: [{ type: 'bar', name: 'unique sources', data: r.overTime.sources, barCategoryGap: '25%' }],
  });
}

/** Heat map rows: a row's height in pixels, and the colour steps (light to dark, greyscale-safe). */
const HEAT_ROW = 18;
const HEAT_COLORS = ['#deebf7', '#9ecae1', '#4292c6', '#08519c', '#08306b'];

/**
 * Colour steps by decade (1, 2–9, 10–99, …) up to `max`: scan counts span orders of magnitude
 * (a worm port thousands an hour, the rest a handful), which a linear scale would show as one
 * dark row and blanks.
 */
export function heatPieces(max: number): { min: number; max?: number; label: string; color: string }[] {
  const pieces: { min: number; max?: number; label: string; color: string }[] = [];
  const top = Math.max(1, max);
  for (let lo = 1, i = 0; lo <= top; lo = lo === 1 ? 2 : lo === 2 ? 10 : lo * 10, i++) {
    const hi = lo === 1 ? 1 : lo === 2 ? 9 : lo * 10 - 1;
    const last = hi >= top || i === HEAT_COLORS.length - 1;
    const label = lo === hi ? String(lo) : last ? `${lo.toLocaleString('en-US')}+` : `${lo.toLocaleString('en-US')}–${hi.toLocaleString('en-US')}`;
    pieces.push({ min: lo, ...(last ? {} : { max: hi }), label, color: HEAT_COLORS[i] });
    if (last) break;
  }
  return pieces;
}

/**
 * Events per hour (or day) of the busiest ports as a port × hour heat map: one row per port,
 * however many, where lines would overlap. Empty cells stay blank.
 */
export function portHeatChart(r: DailyReport): string {
  const rows = r.topPortsOverTime;
  const labels = timeLabels(r.overTime.labels, r.overTime.unit);
  const cells: [number, number, number][] = [];
  let max = 0;
  rows.forEach((s, y) =>
    s.values.forEach((v, x) => {
      if (v > 0) cells.push([x, y, v]);
      if (v > max) max = v;
    }),
  );
  return renderChart(
    {
      grid: { left: 8, right: 16, top: 8, bottom: 44, containLabel: true },
      xAxis: { type: 'category', data: labels, splitArea: { show: false }, axisTick: { alignWithLabel: true } },
      yAxis: { type: 'category', data: rows.map(seriesLabel), inverse: true, splitLine: { show: false }, axisLabel: { fontSize: 12 } },
      visualMap: { type: 'piecewise', pieces: heatPieces(max), orient: 'horizontal', left: 'center', bottom: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
      series: [{ type: 'heatmap', name: 'events', data: cells, itemStyle: { borderColor: '#fff', borderWidth: 1 } }],
    },
    CHART_WIDTH,
    Math.max(140, 70 + rows.length * HEAT_ROW),
  );
}

/** Events per day of the top ports over the baseline window; a dashed line where the period begins. */
export function historyChart(r: DailyReport): string {
  const labels = r.history.labels.map((l) => l.slice(5));
  const option = lineOption(labels, r.history.series);
  const series = option.series as LineSeriesOption[];
  if (series.length) {
    series[0].markLine = {
      silent: true,
      symbol: 'none',
      label: { show: false },
      lineStyle: { color: '#888', type: 'dashed', width: 1 },
      data: [{ xAxis: labels[labels.length - r.period.days] }],
    };
  }
  return renderChart(option);
}

function lineOption(labels: string[], series: Series[]): EChartsOption {
  return {
    legend: { ...legend, data: series.map(seriesLabel) },
    grid: grid(series.length > 0),
    xAxis: { type: 'category', data: labels, boundaryGap: false },
    yAxis: valueAxis(),
    series: series.map((s) => ({ type: 'line', name: seriesLabel(s), data: s.values, symbol: 'none', lineStyle: { width: 2 } })),
  };
}

/** Range reports: events per top port, previous period against this one. */
export function comparisonChart(r: DailyReport, top = 10): string {
  const rows = (r.comparison?.ports ?? []).slice(0, top).reverse();
  return renderChart(
    {
      legend: { ...legend, data: ['previous', 'this period'] },
      // The last value label sits under the right edge.
      grid: { ...grid(true), right: 32 },
      xAxis: valueAxis(),
      yAxis: { type: 'category', data: rows.map(seriesLabel) },
      series: [
        { type: 'bar', name: 'previous', data: rows.map((x) => x.eventsBefore), itemStyle: { color: '#999' } },
        { type: 'bar', name: 'this period', data: rows.map((x) => x.eventsNow) },
      ],
    },
    CHART_WIDTH,
    Math.max(CHART_HEIGHT, 60 + rows.length * 28),
  );
}
