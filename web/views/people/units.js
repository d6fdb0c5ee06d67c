// The units page (#/don-vi): the tree, loaded a level at a time; search by
// name with or without diacritics or by code; CSV import with every bad
// row listed; CSV export.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { apiSend, sayMessage } from '../../api.js';
import { formatNumber } from '../../format.js';

const SEARCH_DELAY_MS = 250;

function kindLabel(t, kind) { return t(`kind.${kind}`); }

function TreeNode({ t, unit }) {
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState(null);
  const [error, setError] = useState('');
  const toggle = async () => {
    if (!open && children === null) {
      try {
        const data = await apiSend('GET', `/api/v1/units?parent_id=${unit.id}&limit=10000`);
        setChildren(data.units);
      } catch (e) {
        setError(e.message);
      }
    }
    setOpen(!open);
  };
  const leaf = unit.n_children === 0;
  return html`
    <li role="treeitem" aria-expanded=${leaf ? undefined : open ? 'true' : 'false'} class="tree-item">
      <div class="tree-row">
        ${leaf ? html`<span class="tree-toggle tree-leaf" aria-hidden="true">•</span>`
               : html`<button type="button" class="tree-toggle" onClick=${toggle}
                   aria-label=${t(open ? 'units.collapse' : 'units.expand', unit.name)}>${open ? '▾' : '▸'}</button>`}
        <span class="unit-name">${unit.name}</span>
        ${unit.code && html`<span class="unit-code">${unit.code}</span>`}
        <span class="unit-kind">${kindLabel(t, unit.kind)}</span>
        ${!leaf && html`<span class="muted">(${formatNumber(unit.n_children)})</span>`}
        ${!unit.active && html`<span class="badge">${t('units.inactive')}</span>`}
      </div>
      ${error && html`<p class="form-error">${error}</p>`}
      ${open && children && html`
        <ul role="group" class="tree">${children.map((c) => html`<${TreeNode} key=${c.id} t=${t} unit=${c} />`)}</ul>`}
    </li>`;
}

function Search({ t }) {
  const [q, setQ] = useState('');
  const [result, setResult] = useState(null);
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    if (!q.trim()) { setResult(null); return undefined; }
    timer.current = setTimeout(async () => {
      try {
        setResult(await apiSend('GET', `/api/v1/units?q=${encodeURIComponent(q.trim())}&limit=50`));
      } catch (e) {
        setResult({ error: e.message });
      }
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [q]);
  return html`
    <div class="search">
      <label for="units-search">${t('units.search')}</label>
      <input id="units-search" type="search" value=${q} placeholder=${t('units.searchHint')}
        onInput=${(e) => setQ(e.target.value)} />
      ${result?.error && html`<p class="form-error">${result.error}</p>`}
      ${result?.units && html`
        <p class="muted" role="status">${t('units.found', formatNumber(result.total))}</p>
        <ul class="search-results">
          ${result.units.map((u) => html`
            <li><span class="unit-name">${u.name}</span>
              ${u.code && html` <span class="unit-code">${u.code}</span>`}
              <span class="unit-kind">${kindLabel(t, u.kind)}</span></li>`)}
        </ul>`}
    </div>`;
}

function Import({ t, session, onDone }) {
  const [state, setState] = useState(null);
  const file = useRef(null);
  const submit = async (e) => {
    e.preventDefault();
    const f = file.current?.files?.[0];
    if (!f) return;
    setState({ busy: true });
    try {
      const text = await f.text();
      const r = await session.send('POST', '/api/v1/units/import', text, { contentType: 'text/csv' });
      setState({ ok: r });
      onDone();
    } catch (err) {
      setState({ error: err.message, details: err.details || [] });
    }
  };
  return html`
    <form class="card form import-form" onSubmit=${submit}>
      <h2>${t('units.import')}</h2>
      <p class="muted">${t('units.importHelp')}</p>
      <label for="units-file">${t('units.file')}</label>
      <input id="units-file" type="file" accept=".csv,text/csv" ref=${file} required />
      <button type="submit" class="button primary" disabled=${state?.busy}>${t('units.importButton')}</button>
      ${state?.ok && html`<p class="form-ok" role="status">${t('units.imported', state.ok.created, state.ok.updated)}</p>`}
      ${state?.error && html`
        <div role="alert">
          <p class="form-error">${state.error}</p>
          ${state.details.length > 0 && html`
            <table class="table bad-rows">
              <thead><tr><th scope="col">${t('units.line')}</th><th scope="col">${t('units.problem')}</th></tr></thead>
              <tbody>${state.details.map((d) => html`<tr><td>${d.line}</td><td>${sayMessage(d) || d.message}</td></tr>`)}</tbody>
            </table>`}
        </div>`}
    </form>`;
}

export function UnitsView({ t, session, headingRef }) {
  const [roots, setRoots] = useState(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    apiSend('GET', '/api/v1/units?parent_id=root&limit=1000')
      .then((d) => setRoots(d.units))
      .catch((e) => setError(e.message));
  }, [version, session.me]);
  return html`
    <section class="view view-units">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.don-vi')}</h1>
      <${Search} t=${t} />
      <div class="card">
        <h2>${t('units.tree')}</h2>
        ${error && html`<p class="form-error">${error}</p>`}
        ${roots === null && !error && html`<p class="muted">${t('units.loading')}</p>`}
        ${roots && roots.length === 0 && html`<p class="muted">${t('units.empty')}</p>`}
        ${roots && roots.length > 0 && html`
          <ul role="tree" class="tree" aria-label=${t('units.tree')}>
            ${roots.map((u) => html`<${TreeNode} key=${`${version}-${u.id}`} t=${t} unit=${u} />`)}
          </ul>`}
        <p><a class="button" href="/api/v1/units/export" download="units.csv">${t('units.export')}</a></p>
      </div>
      ${session.isAdmin && html`<${Import} t=${t} session=${session} onDone=${() => setVersion(version + 1)} />`}
    </section>`;
}
