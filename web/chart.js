// Charts: an ECharts chart as a component that follows its option and the
// size of its element (window resizes, phone rotations).
import { html, useEffect, useRef } from './ui.js';
import * as echarts from './vendor/echarts.esm.min.js';
import { formatNumber } from './format.js';

const NARROW_PX = 480;

// Numbers in the reader's locale with sensible rounding, wherever a chart's
// option did not say how: value axes (with overlapping labels hidden and
// fewer ticks on a phone) and tooltips.
function localise(option, width) {
  const axis = (a) => {
    if (!a || a.type !== 'value') return a;
    const label = { hideOverlap: true, ...(a.axisLabel || {}) };
    if (!label.formatter) label.formatter = (v) => formatNumber(v);
    const out = { ...a, axisLabel: label };
    if (width < NARROW_PX && out.splitNumber === undefined) out.splitNumber = 3;
    return out;
  };
  const axes = (x) => (Array.isArray(x) ? x.map(axis) : axis(x));
  const out = { ...option, xAxis: axes(option.xAxis), yAxis: axes(option.yAxis) };
  if (out.tooltip && !out.tooltip.formatter && !out.tooltip.valueFormatter)
    out.tooltip = { ...out.tooltip, valueFormatter: (v) => (typeof v === 'number' ? formatNumber(v) : v) };
  if (!option.xAxis) delete out.xAxis;
  if (!option.yAxis) delete out.yAxis;
  return out;
}

export function Chart({ option, className = 'chart', label }) {
  const el = useRef(null), chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(el.current);
    const onResize = () => chart.current?.resize();
    addEventListener('resize', onResize);
    return () => { removeEventListener('resize', onResize); chart.current?.dispose(); };
  }, []);
  useEffect(() => { chart.current?.setOption(localise(option, el.current?.clientWidth || innerWidth), true); }, [option]);
  return html`<div class=${className} ref=${el} role="img" aria-label=${label}></div>`;
}

