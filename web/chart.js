// Charts: an ECharts chart as a component that follows its option and the
// size of its element (window resizes, phone rotations).
import { html, useEffect, useRef } from './ui.js';
import * as echarts from './vendor/echarts.esm.min.js';

export function Chart({ option, className = 'chart', label }) {
  const el = useRef(null), chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(el.current);
    const onResize = () => chart.current?.resize();
    addEventListener('resize', onResize);
    return () => { removeEventListener('resize', onResize); chart.current?.dispose(); };
  }, []);
  useEffect(() => { chart.current?.setOption(option, true); }, [option]);
  return html`<div class=${className} ref=${el} role="img" aria-label=${label}></div>`;
}

