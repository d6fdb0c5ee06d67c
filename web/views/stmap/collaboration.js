// #/mang-hop-tac: the collaboration network between organisations (co-authored
// works, joint projects, agreements) as the server clusters it (Leiden) and
// lays it out (VOS): drawn in SVG with clusters coloured, labels, zoom and
// pan, a search that highlights organisations, each organisation a link to
// its profile; VOSviewer map and network files to download, and, for who is
// signed in, a network drawn from VOSviewer files (not stored).
import { html, useEffect, useRef, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { StmapNav } from './stmap_nav.js';

const KINDS = ['coauthorship', 'projects', 'agreements'];
const NORMS = ['association', 'fractionalization', 'none'];
// VOSviewer's cluster colours, then a few more; clusters beyond them are grey.
const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22',
  '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d'];
const colourOf = (c) => (c >= 1 && c <= COLOURS.length ? COLOURS[c - 1] : '#8a8a8a');
// The drawing's box: wide on a desk, taller and closer on a phone, so that
// labels stay readable at 390 px.
const boxFor = (narrow) => (narrow ? { W: 480, H: 620, M: 80, turn: true } : { W: 1000, H: 640, M: 120 });
const isNarrow = () => !!globalThis.matchMedia?.('(max-width: 640px)').matches;
const LABELLED = 60;   // the heaviest nodes are labelled at first; the rest as one zooms in
const orgHref = (id) => `#/to-chuc/${id}`;
// The outputs page listing what a node's weight counts.
const OUTPUT_TABS = { Documents: '', Projects: '/de-tai' };

// Vietnamese folded for search: no marks, đ as d, lower case.
const fold = (s) => (s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
const shortLabel = (s) => (s.length > 28 ? `${s.slice(0, 26)}…` : s);
const formatQuality = (v) => (v === null || v === undefined ? '—' : formatNumber(v, 4));

function useNetwork(path) {
  const [state, setState] = useState({ data: null, error: '' });
  useEffect(() => {
    const ctl = new AbortController();
    setState({ data: null, error: '' });
    apiGet(path, { signal: ctl.signal }).then((data) => setState({ data, error: '' }),
      (e) => { if (e.name !== 'AbortError') setState({ data: null, error: e.message }); });
    return () => ctl.abort();
  }, [path]);
  return [state.data, state.error];
}

// Node positions in the drawing's box: the layout fitted with a margin, y up.
// On a phone the layout is turned a quarter (its long, horizontal axis
// upright) to fill the tall box.
function place(nodes, { W, H, M, turn }) {
  if (!nodes.length) return new Map();
  if (turn) nodes = nodes.map((n) => ({ ...n, x: n.y, y: n.x }));
  const xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const s = Math.min((W - 2 * M) / (x1 - x0 || 1), (H - M) / (y1 - y0 || 1));
  const ox = (W - s * (x1 - x0)) / 2, oy = (H - s * (y1 - y0)) / 2;
  return new Map(nodes.map((n) => [n.id, { x: ox + s * (n.x - x0), y: H - (oy + s * (n.y - y0)) }]));
}

function Drawing({ t, data, found }) {
  const [view, setView] = useState({ k: 1, x: 0, y: 0 });
  const svg = useRef(null);
  const drag = useRef(null);
  const [narrow, setNarrow] = useState(isNarrow());
  useEffect(() => {
    const onResize = () => setNarrow(isNarrow());
    globalThis.addEventListener('resize', onResize);
    return () => globalThis.removeEventListener('resize', onResize);
  }, []);
  const box = boxFor(narrow);
  const { W, H } = box;
  useEffect(() => setView({ k: 1, x: 0, y: 0 }), [data, narrow]);
  const pos = place(data.nodes, box);
  const maxWeight = Math.max(1, ...data.nodes.map((n) => n.weight));
  const maxStrength = Math.max(1, ...data.links.map((l) => l.strength));
  const radius = (n) => 5 + 14 * Math.sqrt(n.weight / maxWeight);
  const ranked = [...data.nodes].sort((a, b) => b.weight - a.weight);
  const labelled = new Set(ranked.slice(0, Math.round(LABELLED * view.k)).map((n) => n.id));
  const zoomAt = (factor, cx = W / 2, cy = H / 2) => setView((v) => {
    const k = Math.min(20, Math.max(0.5, v.k * factor));
    const f = k / v.k;
    return { k, x: cx - f * (cx - v.x), y: cy - f * (cy - v.y) };
  });
  // pointer position in the drawing's own units
  const local = (e) => {
    const r = svg.current.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * W, ((e.clientY - r.top) / r.height) * H];
  };
  const onWheel = (e) => { e.preventDefault(); const [cx, cy] = local(e); zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, cx, cy); };
  useEffect(() => {
    const el = svg.current;
    el?.addEventListener('wheel', onWheel, { passive: false });
    return () => el?.removeEventListener('wheel', onWheel);
  });
  const onDown = (e) => {
    if (e.target.closest('a')) return;
    const [px, py] = local(e);
    drag.current = { px, py, x: view.x, y: view.y };
    svg.current.setPointerCapture?.(e.pointerId);
  };
  const onMove = (e) => {
    if (!drag.current) return;
    const [px, py] = local(e);
    const d = drag.current;
    setView((v) => ({ ...v, x: d.x + px - d.px, y: d.y + py - d.py }));
  };
  const onUp = () => { drag.current = null; };
  const dim = found && found.size > 0;
  const font = 13 / view.k;
  return html`
    <div class="map">
      <div class="map-tools" role="group" aria-label=${t('cnet.drawing')}>
        <button type="button" class="button small" onClick=${() => zoomAt(1.5)} aria-label=${t('cnet.zoom_in')} title=${t('cnet.zoom_in')}>+</button>
        <button type="button" class="button small" onClick=${() => zoomAt(1 / 1.5)} aria-label=${t('cnet.zoom_out')} title=${t('cnet.zoom_out')}>−</button>
        <button type="button" class="button small" onClick=${() => setView({ k: 1, x: 0, y: 0 })}>${t('cnet.zoom_reset')}</button>
      </div>
      <div class="map-frame">
        <svg ref=${svg} class="map-svg net-svg" viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${t('cnet.drawing')}
          onPointerDown=${onDown} onPointerMove=${onMove} onPointerUp=${onUp} onPointerCancel=${onUp}>
          <g transform=${`translate(${view.x} ${view.y}) scale(${view.k})`}>
            <g class="net-links">
              ${data.links.map((l) => {
                const a = pos.get(l.source), b = pos.get(l.target);
                if (!a || !b) return null;
                const on = dim && (found.has(l.source) || found.has(l.target));
                return html`<line class="net-link" x1=${a.x} y1=${a.y} x2=${b.x} y2=${b.y} stroke="#9aa5b1"
                  stroke-width=${(0.6 + 3 * (l.strength / maxStrength)) / view.k} stroke-opacity=${dim && !on ? 0.08 : 0.45} />`;
              })}
            </g>
            ${data.nodes.map((n) => {
              const p = pos.get(n.id), hit = dim && found.has(n.id);
              const body = html`
                <circle class="net-node" data-id=${n.id} cx=${p.x} cy=${p.y} r=${radius(n) / Math.sqrt(view.k)} fill=${colourOf(n.cluster)}
                  fill-opacity=${dim && !hit ? 0.2 : 0.85} stroke=${hit ? '#000' : '#fff'} stroke-width=${(hit ? 3 : 1) / view.k}>
                  <title>${n.label} — ${t('cnet.cluster', n.cluster)}</title></circle>
                ${(labelled.has(n.id) || hit) && html`<text class="net-label" x=${p.x} y=${p.y - radius(n) / Math.sqrt(view.k) - 3 / view.k}
                  text-anchor="middle" font-size=${hit ? font * 1.2 : font} font-weight=${hit ? 700 : 400}
                  fill=${dim && !hit ? '#9aa5b1' : '#1b2631'}>${shortLabel(n.short_label || n.label)}</text>`}`;
              return n.organisation_id
                ? html`<a href=${orgHref(n.organisation_id)} class="net-org" aria-label=${n.label}>${body}</a>`
                : html`<g>${body}</g>`;
            })}
          </g>
        </svg>
      </div>
      <p class="muted">${t('cnet.pan_hint')}</p>
    </div>`;
}

// years: '&tu-nam=..&den-nam=..' of the network's period, carried to the
// outputs a count opens.
function Table({ t, data, years = '' }) {
  const weightName = ['Documents', 'Projects', 'Agreements'].includes(data.weight_name) ? t(`cnet.weight.${data.weight_name}`) : t('cnet.weight.other');
  const rows = [...data.nodes].sort((a, b) => a.cluster - b.cluster || b.weight - a.weight || a.label.localeCompare(b.label));
  return html`
    <h2>${t('cnet.table')}</h2>
    <div class="table-scroll">
      <table class="table net-table">
        <thead><tr><th scope="col">${t('cnet.col.label')}</th><th scope="col">${t('cnet.col.cluster')}</th><th scope="col" class="num">${weightName}</th>
          <th scope="col" class="num">${t('cnet.col.links')}</th><th scope="col" class="num">${t('cnet.col.strength')}</th></tr></thead>
        <tbody>${rows.map((n) => html`
          <tr>
            <td>${n.organisation_id ? html`<a href=${orgHref(n.organisation_id)}>${n.label}</a>` : n.label}</td>
            <td><svg class="net-swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle cx="6" cy="6" r="5" fill=${colourOf(n.cluster)} /></svg>
              ${formatNumber(n.cluster)}</td>
            <td class="num">${n.organisation_id && OUTPUT_TABS[data.weight_name] !== undefined
              ? html`<a href=${`#/cong-bo${OUTPUT_TABS[data.weight_name]}?to-chuc=${n.organisation_id}${years}`}>${formatNumber(n.weight)}</a>`
              : formatNumber(n.weight)}</td><td class="num">${formatNumber(n.links)}</td><td class="num">${formatNumber(n.strength)}</td>
          </tr>`)}</tbody>
      </table>
    </div>`;
}

function Import({ t, session, query, onShown }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const mapFile = useRef(null);
  const netFile = useRef(null);
  const go = async (e) => {
    e.preventDefault();
    const net = netFile.current.files[0], map = mapFile.current.files[0];
    if (!net) { setError(t('cnet.import.need_network')); return; }
    setBusy(true);
    setError('');
    try {
      const body = { network: await net.text(), map: map ? await map.text() : null };
      const data = await session.send('POST', `/api/v1/collaboration/import?${query}`, body);
      onShown(data, map ? map.name : net.name);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="card form net-import" onSubmit=${go}>
      <h2>${t('cnet.import')}</h2>
      <label for="net-map">${t('cnet.import.map')}</label>
      <input id="net-map" type="file" accept=".txt,text/plain" ref=${mapFile} />
      <label for="net-network">${t('cnet.import.network')}</label>
      <input id="net-network" type="file" accept=".txt,text/plain" ref=${netFile} />
      <p class="actions"><button type="submit" class="button" disabled=${busy}>${busy ? t('cnet.import.busy') : t('cnet.import.go')}</button></p>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
    </form>`;
}

export function CollaborationView({ t, session, headingRef }) {
  const [kind, setKind] = useState('coauthorship');
  // years kept as typed (the network reloads once one has four digits), so
  // a reload never wipes the other year being typed
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [norm, setNorm] = useState('association');
  const [resolution, setResolution] = useState('1');
  const [typed, setTyped] = useState('');
  const [imported, setImported] = useState(null);
  const params = new URLSearchParams({ kind, normalisation: norm, resolution: resolution || '1' });
  if (/^\d{4}$/.test(from)) params.set('from', from);
  if (/^\d{4}$/.test(to)) params.set('to', to);
  const query = params.toString();
  const [fetched, error] = useNetwork(`/api/v1/collaboration?${query}`);
  const data = imported ? imported.data : fetched;
  const q = fold(typed.trim());
  const found = q && data ? new Set(data.nodes.filter((n) => fold(n.label).includes(q) || fold(n.short_label).includes(q)).map((n) => n.id)) : null;
  const fileQuery = (file) => `/api/v1/collaboration/vosviewer?${new URLSearchParams({ file, ...Object.fromEntries(params) })}`;
  return html`
    <section class="view view-collaboration">
      <h1 ref=${headingRef} tabindex="-1">${t('view.mang-hop-tac')}</h1>
      <${StmapNav} t=${t} current="mang-hop-tac" />
      <p class="muted">${t('cnet.intro')}</p>
      <div class="filters map-controls">
        <label>${t('cnet.kind')}
          <select value=${kind} onChange=${(e) => { setKind(e.target.value); setImported(null); }}>
            ${KINDS.map((k) => html`<option value=${k}>${t(`cnet.kind.${k}`)}</option>`)}
          </select></label>
        <label>${t('cnet.from')}<input type="number" min="1900" max="2100" value=${from} onInput=${(e) => setFrom(e.target.value)} /></label>
        <label>${t('cnet.to')}<input type="number" min="1900" max="2100" value=${to} onInput=${(e) => setTo(e.target.value)} /></label>
        <label>${t('cnet.normalisation')}
          <select value=${norm} onChange=${(e) => setNorm(e.target.value)}>
            ${NORMS.map((k) => html`<option value=${k}>${t(`cnet.norm.${k}`)}</option>`)}
          </select></label>
        <label>${t('cnet.resolution')}<input type="number" min="0" step="0.1" value=${resolution} onChange=${(e) => setResolution(e.target.value)} /></label>
      </div>
      <div class="search">
        <label for="net-search">${t('cnet.search')}</label>
        <input id="net-search" type="search" value=${typed} autocomplete="off" onInput=${(e) => setTyped(e.target.value)} />
        ${found && html`<span class="muted" role="status">${found.size ? t('cnet.search.found', formatNumber(found.size)) : t('cnet.search.none')}</span>`}
      </div>
      ${imported && html`<p class="card" role="status">${t('cnet.import.shown', imported.name)}
        <button type="button" class="button small" onClick=${() => setImported(null)}>${t('cnet.import.back')}</button></p>`}
      ${!imported && error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!data && !error && html`<p class="muted" role="status">${t('cnet.loading')}</p>`}
      ${data && html`
        <p class="net-summary" role="status">${t('cnet.summary', formatNumber(data.nodes.length), formatNumber(data.links.length), formatNumber(data.clusters))}</p>
        ${data.nodes.length === 0 ? html`<p>${t('cnet.empty')}</p>` : html`
          <${Drawing} t=${t} data=${data} found=${found} />
          <p class="muted">${t('cnet.quality', formatQuality(data.quality.clustering), formatQuality(data.quality.layout))}</p>`}`}
      ${!imported && fetched && fetched.nodes.length > 0 && html`
        <div class="card">
          <h2>${t('cnet.export')}</h2>
          <p class="actions">
            <a class="button net-export-map" href=${fileQuery('map')} download=${`mang-hop-tac-${kind}-map.txt`}>${t('cnet.export.map')}</a>
            <a class="button net-export-network" href=${fileQuery('network')} download=${`mang-hop-tac-${kind}-network.txt`}>${t('cnet.export.network')}</a>
            <a class="button" href=${`/api/v1/collaboration?${query}&format=xlsx`} download=${`mang-hop-tac-${kind}.xlsx`}>${t('cnet.export.xlsx')}</a>
          </p>
        </div>`}
      ${data && data.nodes.length > 0 && html`<${Table} t=${t} data=${data} years=${imported ? '' : `${/^\d{4}$/.test(from) ? `&tu-nam=${from}` : ''}${/^\d{4}$/.test(to) ? `&den-nam=${to}` : ''}`} />`}
      ${session.me && html`<${Import} t=${t} session=${session} query=${new URLSearchParams({ normalisation: norm, resolution: resolution || '1' })}
        onShown=${(d, name) => setImported({ data: d, name })} />`}
    </section>`;
}
