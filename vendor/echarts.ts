/**
 * The parts of ECharts portledger ships: one bundle, built by scripts/build-web.mjs into
 * dist/vendor/echarts.js, loaded by the browser (the dashboard, as the global `echarts`) and by
 * Node (the daily report's server-side SVG, through require). The full `echarts` package is a
 * build-time dependency only: it weighs 62 MB installed, this bundle well under 1 MB.
 *
 * Charts: bar, line, heat map. Components: grid, legend, tooltip, mark line, visual map (the
 * heat map's scale). Renderers: SVG (server-side rendering) and canvas (the browser: it needs
 * no style attributes, which the dashboard's Content-Security-Policy forbids).
 */
import { use, init, getInstanceByDom, graphic } from 'echarts/core';
import { BarChart, LineChart, HeatmapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, VisualMapComponent } from 'echarts/components';
import { SVGRenderer, CanvasRenderer } from 'echarts/renderers';
// The daily report's grids use `containLabel`, which ECharts 6 keeps as an opt-in feature.
import { LegacyGridContainLabel } from 'echarts/features';

use([BarChart, LineChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, VisualMapComponent, LegacyGridContainLabel, SVGRenderer, CanvasRenderer]);

export { init, getInstanceByDom, graphic };
