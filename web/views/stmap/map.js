// The map component: an SVG choropleth of units drawn from the GeoJSON of
// /api/v1/map/units with no library and nothing fetched from elsewhere —
// an equirectangular projection scaled by the cosine of the latitude and
// fitted to the features; classes by quantiles, equal intervals or natural
// breaks (Jenks) with a legend and a "no data" style; a tooltip; zoom and
// pan (buttons, wheel, drag, pinch); an optional layer of organisations as
// points sized by a value, each a link to its profile; a list of the units
// that the keyboard and screen readers reach; and export as SVG or PNG,
// legend included, for printing.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { formatNumber } from '../../format.js';

// A value computed again only when one of deps changed (by identity).
function useMemo(fn, deps) {
  const memo = useRef(null);
  if (!memo.current || deps.length !== memo.current.deps.length || deps.some((d, i) => d !== memo.current.deps[i])) {
    memo.current = { deps, value: fn() };
  }
  return memo.current.value;
}

// ------------------------------------------------------------ classes

const sorted = (values) => values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
const distinct = (xs) => xs.filter((v, i) => i === 0 || v !== xs[i - 1]);

// Class bounds [b0, b1, ..., bk]: class i holds b(i) < v <= b(i+1), the
// first also holds b0. Fewer classes when the values do not allow k.
export function quantileBreaks(values, k) {
  const x = sorted(values);
  if (!x.length) return [];
  const out = [x[0]];
  for (let i = 1; i < k; i++) {
    const b = x[Math.max(0, Math.ceil((i * x.length) / k) - 1)];
    if (b > out[out.length - 1] || (out.length === 1 && b === out[0])) out.push(b);
  }
  if (x[x.length - 1] > out[out.length - 1] || out.length === 1) out.push(x[x.length - 1]);
  return out;
}

export function equalBreaks(values, k) {
  const x = sorted(values);
  if (!x.length) return [];
  const lo = x[0], hi = x[x.length - 1];
  if (hi === lo) return [lo, hi];
  return Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo + ((hi - lo) * i) / k));
}

// Natural breaks: the k classes that minimise the sum of squared
// deviations from the class means (Fisher's exact optimisation, which
// Jenks's method computes), by dynamic programming over the sorted values.
export function jenksBreaks(values, k) {
  const x = sorted(values);
  const n = x.length;
  if (!n) return [];
  const d = distinct(x);
  if (d.length <= k) return [d[0], ...d];   // a class for each value
  // first[l * (k+1) + j]: the first value (1-based) of the last class when
  // the l smallest values make j classes; cost[]: the least squared sum.
  const first = new Int32Array((n + 1) * (k + 1));
  const cost = new Float64Array((n + 1) * (k + 1)).fill(Infinity);
  for (let j = 1; j <= k; j++) { first[k + 1 + j] = 1; cost[k + 1 + j] = 0; }
  for (let l = 2; l <= n; l++) {
    let s1 = 0, s2 = 0, v = 0;
    for (let m = 1; m <= l; m++) {
      const lower = l - m + 1;
      const val = x[lower - 1];
      s1 += val;
      s2 += val * val;
      v = s2 - (s1 * s1) / m;
      const before = lower - 1;
      if (before === 0) continue;
      for (let j = 2; j <= k; j++) {
        const c = v + cost[before * (k + 1) + j - 1];
        if (c <= cost[l * (k + 1) + j]) { first[l * (k + 1) + j] = lower; cost[l * (k + 1) + j] = c; }
      }
    }
    first[l * (k + 1) + 1] = 1;
    cost[l * (k + 1) + 1] = v;
  }
  const out = new Array(k + 1);
  out[k] = x[n - 1];
  out[0] = x[0];
  let end = n;
  for (let j = k; j >= 2; j--) {
    const lower = first[end * (k + 1) + j];
    out[j - 1] = x[lower - 2];
    end = lower - 1;
  }
  return distinct(out);
}

const METHODS = { quantile: quantileBreaks, equal: equalBreaks, jenks: jenksBreaks };
export const CLASS_METHODS = Object.keys(METHODS);

// The class of v for bounds b (-1: no data).
export function classOf(b, v) {
  if (!Number.isFinite(v) || b.length < 2) return -1;
  for (let i = 1; i < b.length; i++) if (v <= b[i]) return i - 1;
  return b.length - 2;
}

// k colours from light to dark (a blue ramp readable in print and by
// people who confuse red and green).
const RAMP = [[206, 225, 242], [107, 174, 214], [33, 113, 181], [8, 48, 107]];
export function palette(k) {
  if (k <= 1) return ['#4f8fc6'];
  return Array.from({ length: k }, (_, i) => {
    const t = (i / (k - 1)) * (RAMP.length - 1);
    const a = RAMP[Math.min(Math.floor(t), RAMP.length - 2)], b = RAMP[Math.min(Math.floor(t), RAMP.length - 2) + 1];
    const f = t - Math.min(Math.floor(t), RAMP.length - 2);
    return `#${a.map((c, j) => Math.round(c + (b[j] - c) * f).toString(16).padStart(2, '0')).join('')}`;
  });
}

export const NO_DATA = '#e4e4e4';
const KIND_COLOURS = {
  university: '#c2185b', institute: '#7b1fa2', enterprise: '#ef6c00', st_enterprise: '#e65100', startup: '#2e7d32',
  innovation_centre: '#00838f', fund: '#6d4c41', agency: '#455a64', foreign_partner: '#5d4037',
};
export const kindColour = (kind) => KIND_COLOURS[kind] || '#37474f';

// ------------------------------------------------------------ geometry

const W = 1000;      // the drawing's width in SVG units
const PAD = 12;

function eachPosition(geometry, fn) {
  if (!geometry) return;
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  for (const poly of polys) for (const ring of poly) for (const p of ring) fn(p[0], p[1]);
}

function bounds(features) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const f of features) eachPosition(f.geometry, (x, y) => { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y); });
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

// Longitude and latitude to SVG units: x scaled by cos(latitude) at the
// middle of the box, so a commune keeps its shape at Hà Nội's latitude.
export function projection(box) {
  const [w, s, e, n] = box;
  const c = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const k = (W - 2 * PAD) / Math.max((e - w) * c, 1e-9);
  const height = Math.max((n - s) * k, 1) + 2 * PAD;
  return { width: W, height, at: (lon, lat) => [PAD + (lon - w) * c * k, PAD + (n - lat) * k] };
}

function pathOf(geometry, at) {
  let d = '';
  const polys = geometry?.type === 'Polygon' ? [geometry.coordinates] : geometry?.type === 'MultiPolygon' ? geometry.coordinates : [];
  for (const poly of polys) {
    for (const ring of poly) {
      ring.forEach((p, i) => {
        const [x, y] = at(p[0], p[1]);
        d += `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
      });
      d += 'Z';
    }
  }
  return d;
}

// The centre of a feature's largest ring (where its label or its
// organisations without coordinates go), in longitude/latitude.
export function centreOf(geometry) {
  let best = null, bestArea = -1;
  const polys = geometry?.type === 'Polygon' ? [geometry.coordinates] : geometry?.type === 'MultiPolygon' ? geometry.coordinates : [];
  for (const poly of polys) {
    const ring = poly[0];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i], [x1, y1] = ring[i + 1];
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (Math.abs(a) > bestArea && a !== 0) { bestArea = Math.abs(a); best = [cx / (3 * a), cy / (3 * a)]; }
  }
  return best;
}

// ------------------------------------------------------------ data

// The children of a unit with their boundaries (null while loading). The
// browser revalidates with the answer's ETag, so a map opened again costs
// a 304.
export function useMapUnits(parent) {
  const [state, setState] = useState({ data: null, error: '' });
  useEffect(() => {
    const ctl = new AbortController();
    setState({ data: null, error: '' });
    fetch(`/api/v1/map/units${parent ? `?parent=${parent}` : ''}`, { headers: { Accept: 'application/json' }, cache: 'no-cache', signal: ctl.signal })
      .then((r) => r.json().then((body) => (r.ok ? setState({ data: body, error: '' }) : setState({ data: null, error: body?.error?.message || String(r.status) }))))
      .catch((e) => { if (e.name !== 'AbortError') setState({ data: null, error: e.message }); });
    return () => ctl.abort();
  }, [parent]);
  return [state.data, state.error];
}

// ------------------------------------------------------------ export

function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}

// Words of text in lines of at most n characters.
function wrap(text, n) {
  const lines = [''];
  for (const word of String(text).split(/\s+/)) {
    const last = lines[lines.length - 1];
    if (last && last.length + word.length + 1 > n) lines.push(word);
    else lines[lines.length - 1] = last ? `${last} ${word}` : word;
  }
  return lines;
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

// The map as a standalone SVG document: the drawing without zoom, a title
// above and the legend below.
function svgDocument(svg, { title, legend, source }) {
  const clone = svg.cloneNode(true);
  clone.querySelector('.map-zoom')?.setAttribute('transform', '');
  clone.querySelectorAll('.map-point').forEach((c) => c.setAttribute('r', c.dataset.r));
  const [, , w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
  const lines = wrap(title, 80);
  const rowH = 26, top = 16 + lines.length * 26, legendH = legend.length * rowH + 50;
  const body = new XMLSerializer().serializeToString(clone).replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '');
  const rows = legend.map((r, i) => (r.point
    ? `<circle cx="${PAD + 14}" cy="${top + h + 39 + i * rowH}" r="7" fill="${r.colour}"/>`
    : `<rect x="${PAD}" y="${top + h + 30 + i * rowH}" width="28" height="18" fill="${r.colour}" stroke="#777"/>`)
    + `<text x="${PAD + 38}" y="${top + h + 44 + i * rowH}" font-size="16">${esc(r.label)}</text>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${top + h + legendH}" `
    + `viewBox="0 0 ${w} ${top + h + legendH}" font-family="Noto Sans, Arial, sans-serif">`
    + `<rect width="100%" height="100%" fill="#fff"/>`
    + lines.map((l, i) => `<text x="${PAD}" y="${26 + i * 26}" font-size="20" font-weight="bold">${esc(l)}</text>`).join('')
    + `<g transform="translate(0 ${top})">${body}</g>${rows}`
    + `<text x="${PAD}" y="${top + h + legendH - 8}" font-size="12" fill="#555">${esc(source)}</text></svg>`;
}

function exportSvg(svg, opts, name) {
  download(new Blob([svgDocument(svg, opts)], { type: 'image/svg+xml' }), `${name}.svg`);
}

function exportPng(svg, opts, name) {
  const text = svgDocument(svg, opts);
  const img = new Image();
  img.onload = () => {
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = img.width * scale;
    canvas.height = img.height * scale;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => blob && download(blob, `${name}.png`), 'image/png');
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
}

// ------------------------------------------------------------ the component

const MIN_ZOOM = 1, MAX_ZOOM = 24;
const clampZoom = (z) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

// Zoom and pan state with the handlers of the wheel, drags and pinches.
function useZoom(svgRef, height) {
  const [view, setView] = useState({ k: 1, x: 0, y: 0 });
  const drag = useRef({ pointers: new Map(), moved: false });
  // A point of the screen in the drawing's units (the frame may letterbox
  // the drawing when its height is limited).
  const toSvg = (clientX, clientY) => {
    const m = svgRef.current.getScreenCTM()?.inverse();
    return m ? [m.a * clientX + m.c * clientY + m.e, m.b * clientX + m.d * clientY + m.f] : [0, 0];
  };
  const zoomAt = (factor, [px, py]) => setView((v) => {
    const k = clampZoom(v.k * factor);
    const f = k / v.k;
    return { k, x: px - (px - v.x) * f, y: py - (py - v.y) * f };
  });
  const handlers = {
    onWheel: (e) => {
      e.preventDefault();
      zoomAt(e.deltaY < 0 ? 1.25 : 0.8, toSvg(e.clientX, e.clientY));
    },
    onPointerDown: (e) => {
      drag.current.pointers.set(e.pointerId, [e.clientX, e.clientY]);
      drag.current.moved = false;
      drag.current.start = [e.clientX, e.clientY];
    },
    onPointerMove: (e) => {
      const ps = drag.current.pointers;
      if (!ps.has(e.pointerId)) return;
      const prev = ps.get(e.pointerId);
      if (Math.hypot(e.clientX - drag.current.start[0], e.clientY - drag.current.start[1]) > 4) {
        if (!drag.current.moved) svgRef.current.setPointerCapture?.(e.pointerId);
        drag.current.moved = true;
      }
      if (!drag.current.moved) return;
      if (ps.size === 2) {
        const other = [...ps.entries()].find(([id]) => id !== e.pointerId)[1];
        const before = Math.hypot(prev[0] - other[0], prev[1] - other[1]);
        const after = Math.hypot(e.clientX - other[0], e.clientY - other[1]);
        if (before > 0) zoomAt(after / before, toSvg((e.clientX + other[0]) / 2, (e.clientY + other[1]) / 2));
      } else {
        const [x0, y0] = toSvg(prev[0], prev[1]), [x1, y1] = toSvg(e.clientX, e.clientY);
        setView((v) => ({ ...v, x: v.x + x1 - x0, y: v.y + y1 - y0 }));
      }
      ps.set(e.pointerId, [e.clientX, e.clientY]);
    },
    onPointerUp: (e) => { drag.current.pointers.delete(e.pointerId); },
    onPointerCancel: (e) => { drag.current.pointers.delete(e.pointerId); },
  };
  const centre = [W / 2, height / 2];
  return {
    view, handlers, dragged: () => drag.current.moved,
    zoomIn: () => zoomAt(1.5, centre), zoomOut: () => zoomAt(1 / 1.5, centre), reset: () => setView({ k: 1, x: 0, y: 0 }),
  };
}

const fmtNumber = (v, digits) => (Number.isFinite(v) ? formatNumber(v, digits) : '–');

// features: GeoJSON features of units (properties id, code, name);
// values: Map unit id -> number (absent or null: no data); method and
// classes choose the classes; points: [{id, name, kind, lon, lat, size}];
// selected: a unit id; onSelect(feature); title and name: of exports;
// pointLegend: [{colour, label}] of the points, for exports; suffix: after
// each value (' %').
export function ChoroplethMap({ t, features, parent, values = new Map(), method = 'quantile', classes = 5, points = [],
  selected = null, onSelect = () => {}, title = '', name = 'ban-do', digits = 2, label = '', pointLegend = [], suffix = '' }) {
  const svgRef = useRef(null);
  const [tip, setTip] = useState(null);
  // fitted to the parent's outline too: units without a boundary leave it visible
  const box = useMemo(() => bounds(parent?.geometry ? [...features, parent] : features), [features, parent]);
  const proj = useMemo(() => (box ? projection(box) : null), [box]);
  const paths = useMemo(() => (proj ? features.map((f) => pathOf(f.geometry, proj.at)) : []), [features, proj]);
  const outline = useMemo(() => (proj && parent?.geometry ? pathOf(parent.geometry, proj.at) : ''), [parent, proj]);
  const zoom = useZoom(svgRef, proj?.height || W);
  const fmt = (v, d) => `${fmtNumber(v, d)}${Number.isFinite(v) ? suffix : ''}`;
  const nums = features.map((f) => values.get(f.properties.id)).filter((v) => Number.isFinite(v));
  const breaks = useMemo(() => METHODS[method]?.(nums, classes) || [], [nums.join(','), method, classes]);
  const colours = palette(Math.max(1, breaks.length - 1));
  const fill = (v) => {
    const c = classOf(breaks, v);
    return c < 0 ? NO_DATA : colours[c];
  };
  // Each class is labelled with the least and greatest value it holds
  // (its bounds when it holds none), and how many units.
  const counts = colours.map(() => 0), lo = colours.map(() => Infinity), hi = colours.map(() => -Infinity);
  let missing = 0;
  for (const f of features) {
    const v = values.get(f.properties.id), c = classOf(breaks, v);
    if (c < 0) { missing++; continue; }
    counts[c]++;
    lo[c] = Math.min(lo[c], v);
    hi[c] = Math.max(hi[c], v);
  }
  const range = (i) => {
    const [a, b] = counts[i] ? [lo[i], hi[i]] : [breaks[i], breaks[i + 1]];
    return a === b ? fmt(a, digits) : `${fmt(a, digits)} – ${fmt(b, digits)}`;
  };
  const legend = [
    ...colours.map((colour, i) => ({ colour, label: `${range(i)} (${formatNumber(counts[i])})`, n: counts[i] })),
    ...(missing ? [{ colour: NO_DATA, label: `${t('map.noData')} (${formatNumber(missing)})`, n: missing }] : []),
  ].filter((r) => nums.length || r.colour === NO_DATA);
  const maxSize = Math.max(1, ...points.map((p) => p.size || 0));
  const radius = (p) => 3 + 9 * Math.sqrt(Math.max(0, p.size || 0) / maxSize);
  if (!proj) return null;
  const show = (f, e) => {
    const r = svgRef.current?.parentNode.getBoundingClientRect();
    const v = values.get(f.properties.id);
    setTip({ x: e.clientX - (r?.left || 0), y: e.clientY - (r?.top || 0), text: `${f.properties.name}: ${Number.isFinite(v) ? fmt(v, digits) : t('map.noData')}` });
  };
  const pick = (f) => { if (!zoom.dragged()) onSelect(f); };
  const { k, x, y } = zoom.view;
  const exportOpts = { title, legend: [...legend, ...pointLegend.map((r) => ({ ...r, point: true }))], source: t('map.source') };
  return html`
    <div class="map">
      <div class="map-tools" role="toolbar" aria-label=${t('map.label', title)}>
        <button type="button" class="button small" onClick=${zoom.zoomIn} aria-label=${t('map.zoomIn')} title=${t('map.zoomIn')}>+</button>
        <button type="button" class="button small" onClick=${zoom.zoomOut} aria-label=${t('map.zoomOut')} title=${t('map.zoomOut')}>−</button>
        <button type="button" class="button small" onClick=${zoom.reset}>${t('map.reset')}</button>
        <button type="button" class="button small map-export-svg" onClick=${() => exportSvg(svgRef.current, exportOpts, name)}>${t('map.exportSvg')}</button>
        <button type="button" class="button small map-export-png" onClick=${() => exportPng(svgRef.current, exportOpts, name)}>${t('map.exportPng')}</button>
      </div>
      <div class="map-frame">
        <svg ref=${svgRef} class="map-svg" viewBox=${`0 0 ${W} ${proj.height.toFixed(0)}`} role="img" aria-label=${label || t('map.label', title)}
          xmlns="http://www.w3.org/2000/svg" ...${zoom.handlers} onPointerLeave=${() => setTip(null)}>
          <g class="map-zoom" transform=${`translate(${x.toFixed(2)} ${y.toFixed(2)}) scale(${k.toFixed(4)})`}>
            ${outline && html`<path d=${outline} fill="#f4f4f4" stroke="#9a9a9a" stroke-width="1" vector-effect="non-scaling-stroke" fill-rule="evenodd" />`}
            ${features.map((f, i) => html`<path key=${f.properties.id} class="map-unit" d=${paths[i]} data-code=${f.properties.code}
              fill=${fill(values.get(f.properties.id))} fill-rule="evenodd" stroke=${f.properties.id === selected ? '#a4161a' : '#ffffff'}
              stroke-width=${f.properties.id === selected ? 3 : 0.8} vector-effect="non-scaling-stroke"
              onClick=${() => pick(f)} onPointerMove=${(e) => show(f, e)}><title>${f.properties.name}</title></path>`)}
            ${selected && features.filter((f) => f.properties.id === selected).map((f) => html`<path d=${paths[features.indexOf(f)]}
              fill="none" stroke="#a4161a" stroke-width="3" vector-effect="non-scaling-stroke" pointer-events="none" />`)}
            ${points.map((p) => {
              const [px, py] = proj.at(p.lon, p.lat);
              const r = radius(p);
              return html`<a href=${`#/to-chuc/${p.id}`} key=${`o${p.id}`}>
                <circle class="map-point" cx=${px.toFixed(1)} cy=${py.toFixed(1)} r=${(r / k).toFixed(2)} data-r=${r.toFixed(2)}
                  fill=${kindColour(p.kind)} fill-opacity="0.85" stroke="#fff" stroke-width="1" vector-effect="non-scaling-stroke">
                  <title>${p.name}</title></circle></a>`;
            })}
          </g>
        </svg>
        ${tip && html`<div class="map-tip" role="status" style=${{ left: `${tip.x + 12}px`, top: `${tip.y + 12}px` }}>${tip.text}</div>`}
      </div>
      <div class="map-legend" aria-label=${t('map.legend')}>
        ${legend.map((r) => html`<span class="map-key"><span class="map-swatch" style=${{ background: r.colour }}></span>${r.label}</span>`)}
      </div>
      <details class="map-list">
        <summary>${t('map.list', formatNumber(features.length))}</summary>
        <ul>
          ${features.map((f) => {
            const v = values.get(f.properties.id);
            return html`<li><button type="button" class="link-button" aria-pressed=${f.properties.id === selected ? 'true' : 'false'}
              onClick=${() => onSelect(f)}>${f.properties.name}: ${Number.isFinite(v) ? fmt(v, digits) : t('map.noData')}</button></li>`;
          })}
        </ul>
      </details>
    </div>`;
}
