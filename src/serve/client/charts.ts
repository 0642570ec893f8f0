/**
 * Charts with the ECharts bundle this server ships (/static/echarts.js, the global `echarts`):
 * canvas rendering and tooltips drawn on the canvas too, so nothing needs a style attribute
 * (the Content-Security-Policy forbids inline styles); colours from the stylesheet's variables,
 * so they follow the light or dark system setting.
 */
import type * as EC from 'echarts/core';

declare const echarts: typeof EC;

type Option = Record<string, unknown>;

const charts = new Set<EC.ECharts>();

function color(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Okabe–Ito: colour-blind safe, readable on light and dark. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];

function base(): Option {
  const fg = color('--fg');
  const muted = color('--muted');
  const line = color('--line');
  return {
    animation: false,
    color: PALETTE,
    textStyle: { color: fg, fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    tooltip: { trigger: 'axis', renderMode: 'richText', backgroundColor: color('--soft'), borderColor: line, textStyle: { color: fg } },
    grid: { left: 8, right: 12, top: 34, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { color: fg }, itemWidth: 16, itemHeight: 9 },
    xAxis: { axisLine: { lineStyle: { color: muted } }, axisLabel: { color: muted } },
    yAxis: { splitLine: { lineStyle: { color: line } }, axisLabel: { color: muted } },
  };
}

function merge(a: Option, b: Option): Option {
  const out: Option = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = a[k];
    out[k] = v && av && typeof v === 'object' && typeof av === 'object' && !Array.isArray(v) && !Array.isArray(av) ? merge(av as Option, v as Option) : v;
  }
  return out;
}

/** Draws `option` into `el` (replacing any chart there) and keeps it sized with the window. */
export function draw(el: HTMLElement, option: Option, onClick?: (p: { dataIndex: number; seriesIndex?: number; value?: unknown }) => void): void {
  if (typeof echarts === 'undefined') {
    el.textContent = 'charts unavailable (/static/echarts.js did not load)';
    return;
  }
  const old = echarts.getInstanceByDom(el);
  if (old) {
    charts.delete(old);
    old.dispose();
  }
  const c = echarts.init(el, null, { renderer: 'canvas' });
  c.setOption(merge(base(), option));
  if (onClick) c.on('click', (p) => onClick(p as { dataIndex: number; seriesIndex?: number; value?: unknown }));
  charts.add(c);
}

export function disposeAll(): void {
  for (const c of charts) c.dispose();
  charts.clear();
}

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    for (const c of charts) c.resize();
  }, 100);
});

/** Bars (one series per entry) over category labels. */
export function bars(labels: string[], series: { name: string; data: number[] }[]): Option {
  return {
    legend: { show: series.length > 1 },
    grid: { top: series.length > 1 ? 30 : 12 },
    xAxis: { type: 'category', data: labels, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({ type: 'bar', name: s.name, data: s.data, barMaxWidth: 28 })),
  };
}

export function lines(labels: string[], series: { name: string; data: number[] }[]): Option {
  return {
    legend: { show: series.length > 1 },
    grid: { top: series.length > 1 ? 30 : 12 },
    xAxis: { type: 'category', data: labels, boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({ type: 'line', name: s.name, data: s.data, symbol: 'none', lineStyle: { width: 2 } })),
  };
}

/** Rows (ports) × columns (hours); cells are [column, row, value]. */
export function heat(columns: string[], rows: string[], cells: [number, number, number][], max: number): Option {
  return {
    tooltip: { trigger: 'item', renderMode: 'richText' },
    grid: { top: 8, bottom: 44, left: 8, right: 12, containLabel: true },
    xAxis: { type: 'category', data: columns, splitArea: { show: false } },
    yAxis: { type: 'category', data: rows, inverse: true, splitLine: { show: false } },
    visualMap: {
      min: 0, max: Math.max(max, 1), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, itemWidth: 10,
      inRange: { color: [color('--heat0'), color('--heat1'), color('--heat2')] }, textStyle: { color: color('--muted') },
    },
    series: [{ type: 'heatmap', data: cells, emphasis: { itemStyle: { borderColor: color('--fg'), borderWidth: 1 } } }],
  };
}
