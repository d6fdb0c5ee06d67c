// The documents (#/van-ban): the tree of documents, each implementing its
// parent (57-NQ/TW → 03/NQ-CP → 43/KH-UBND), with the progress of its
// tasks; and one document's page (#/van-ban/<id>): its chain, the
// documents implementing it, its objectives and task groups with their
// tasks, indicators and progress per group.
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { LinkedText, useDocumentNumbers } from './linked.js';

// In the order a reader expects: done first, then what is still open.
const STATUSES = ['done_on_time', 'done_late', 'open_in_time', 'open_due_soon', 'open_overdue'];

export const documentHref = (id) => `#/van-ban/${id}`;

// "2025-02-14" -> "14/02/2025"
export function isoDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

// "#/van-ban/12" -> 12; "#/van-ban" -> null
export function documentIdFromHash(hash) {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/');
  return parts[0] === 'van-ban' && /^\d+$/.test(parts[1] || '') ? Number(parts[1]) : null;
}

// The tasks by status as one stacked bar, with the numbers beside it.
export function ProgressBar({ t, counts, total }) {
  if (!total) return html`<p class="muted small">${t('doc.noTasks')}</p>`;
  const label = STATUSES.filter((s) => counts[s]).map((s) => `${t(`task.${s}`)}: ${formatNumber(counts[s])}`).join('; ');
  return html`
    <div class="doc-progress">
      <div class="stack" role="img" aria-label=${`${t('doc.tasks', formatNumber(total))} — ${label}`}>
        ${STATUSES.filter((s) => counts[s]).map((s) => html`
          <span class=${`stack-part stack-${s}`} style=${`width: ${(100 * counts[s]) / total}%`}
            title=${`${t(`task.${s}`)}: ${formatNumber(counts[s])}`}></span>`)}
      </div>
      <ul class="stack-legend">
        <li><strong>${t('doc.tasks', formatNumber(total))}</strong></li>
        ${STATUSES.filter((s) => counts[s]).map((s) => html`
          <li><span class=${`stack-dot stack-${s}`} aria-hidden="true"></span>${t(`task.${s}`)}: <strong>${formatNumber(counts[s])}</strong></li>`)}
      </ul>
    </div>`;
}

// The counts of doc's own tasks and of every document implementing it.
function subtreeCounts(doc) {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, doc.counts?.[s] || 0]));
  let total = doc.tasks_total || 0;
  for (const c of doc.children || []) {
    const below = subtreeCounts(c);
    for (const s of STATUSES) counts[s] += below.counts[s];
    total += below.total;
  }
  return { counts, total };
}

// A document's own progress; for one without tasks of its own (a
// resolution), the progress of the documents implementing it.
function DocProgress({ t, doc }) {
  if (doc.tasks_total || !doc.children?.length) return html`<${ProgressBar} t=${t} counts=${doc.counts} total=${doc.tasks_total} />`;
  const all = subtreeCounts(doc);
  if (!all.total) return html`<${ProgressBar} t=${t} counts=${doc.counts} total=${0} />`;
  return html`<p class="muted small doc-through">${t('doc.throughChildren')}</p><${ProgressBar} t=${t} counts=${all.counts} total=${all.total} />`;
}

function Issued({ t, doc }) {
  return html`<p class="muted doc-issued">${t(`doc.kind.${doc.kind}`)}${doc.issued_on ? ` · ${t('doc.issued', isoDay(doc.issued_on), doc.issuer)}` : doc.issuer ? ` · ${t('doc.issuedBy', doc.issuer)}` : ''}</p>`;
}

// ---------------------------------------------------------------- the tree

function TreeNode({ t, doc }) {
  const ids = useDocumentNumbers();
  return html`
    <li class="doc-node">
      <div class="card doc-card">
        <h2><a class="doc-number" href=${documentHref(doc.id)}>${doc.number}</a></h2>
        <p class="doc-title"><${LinkedText} text=${doc.title} ids=${ids} /></p>
        <${Issued} t=${t} doc=${doc} />
        <${DocProgress} t=${t} doc=${doc} />
      </div>
      ${doc.children.length > 0 && html`
        <ul class="doc-tree">${doc.children.map((c) => html`<${TreeNode} key=${c.id} t=${t} doc=${c} />`)}</ul>`}
    </li>`;
}

function DocumentTree({ t, headingRef }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => { apiGet('/api/v1/documents/tree').then(setData, (e) => setError(e.message)); }, []);
  return html`
    <section class="view view-documents">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.van-ban')}</h1>
      <p class="lead">${t('doc.intro')}</p>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!data && !error && html`<p class="muted">${t('doc.loading')}</p>`}
      ${data && data.roots.length === 0 && html`<p>${t('doc.none')}</p>`}
      ${data && html`<ul class="doc-tree doc-roots">${data.roots.map((d) => html`<${TreeNode} key=${d.id} t=${t} doc=${d} />`)}</ul>`}
    </section>`;
}

// ---------------------------------------------------------------- one document

function Chain({ t, doc }) {
  if (!doc.chain.length) return null;
  return html`
    <nav class="doc-chain" aria-label=${t('doc.chain')}>
      <ol>
        ${doc.chain.map((c) => html`<li><a href=${documentHref(c.id)}>${c.number}</a></li>`)}
        <li><a class="nowrap" aria-current="page" href=${documentHref(doc.id)}>${doc.number}</a></li>
      </ol>
    </nav>`;
}

// The documents implementing doc, directly or through others, as a tree
// (from 57-NQ/TW the city's plan is one click away).
function findNode(nodes, id) {
  for (const n of nodes) {
    if (n.id === id) return n;
    const below = findNode(n.children, id);
    if (below) return below;
  }
  return null;
}

function ChildNode({ t, doc }) {
  const ids = useDocumentNumbers();
  return html`
    <li>
      <div class="card doc-child">
        <a class="doc-number" href=${documentHref(doc.id)}>${doc.number}</a> — <${LinkedText} text=${doc.title} ids=${ids} />
        <${Issued} t=${t} doc=${doc} />
        <${DocProgress} t=${t} doc=${doc} />
      </div>
      ${doc.children?.length > 0 && html`<ul class="doc-tree">${doc.children.map((c) => html`<${ChildNode} key=${c.id} t=${t} doc=${c} />`)}</ul>`}
    </li>`;
}

function Children({ t, doc, below }) {
  const list = below || doc.implemented_by;
  return html`
    <section class="doc-children">
      <h2>${t('doc.children')}</h2>
      ${list.length === 0 ? html`<p class="muted">${t('doc.noChildren')}</p>` : html`
        <ul class="doc-tree doc-roots">${list.map((c) => html`<${ChildNode} key=${c.id} t=${t} doc=${c} />`)}</ul>`}
    </section>`;
}

function GroupTasks({ t, tasks }) {
  const ids = useDocumentNumbers();
  return html`
    <div class="table-scroll">
      <table class="table doc-tasks">
        <thead><tr>
          <th scope="col">${t('doc.col.code')}</th><th scope="col">${t('doc.col.title')}</th>
          <th scope="col">${t('doc.col.lead')}</th><th scope="col">${t('doc.col.deadline')}</th>
          <th scope="col">${t('doc.col.status')}</th>
        </tr></thead>
        <tbody>${tasks.map((x) => html`
          <tr>
            <td><a class="task-code nowrap" href=${`#/nhiem-vu/${encodeURIComponent(x.code)}`}>${x.code}</a></td>
            <td><${LinkedText} text=${x.title} ids=${ids} /></td>
            <td><span class="cell-label">${t('doc.col.lead')}: </span><a href=${`#/tong-quan/don-vi/${x.lead_unit_id}`}>${x.lead_unit_name}</a></td>
            <td class="nowrap"><span class="cell-label">${t('doc.col.deadline')}: </span>${isoDay(x.period_deadline || x.deadline)}</td>
            <td><span class=${`badge status-${x.status}`}>${t(`task.${x.status}`)}</span> <span class="muted small">${formatNumber(x.progress)}%</span></td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
}

function Group({ t, group, signedIn }) {
  const title = group.code ? `${group.code} — ${group.title}` : t('doc.ungrouped');
  return html`
    <article class="card doc-group" id=${group.code ? `nhom-${group.code}` : 'nhom-khac'}>
      <p class="muted small">${t(`doc.group.${group.kind}`)}</p>
      <h3>${title}</h3>
      ${group.tasks_total > 0 && html`<${ProgressBar} t=${t} counts=${group.counts} total=${group.tasks_total} />`}
      ${group.tasks_total > 0 && (signedIn ? html`<${GroupTasks} t=${t} tasks=${group.tasks} />`
        : html`<p class="muted">${t('doc.signInForTasks')} <a href="#/dang-nhap">${t('session.signIn')}</a></p>`)}
      ${group.indicators.length > 0 && html`
        <h4>${t('doc.groupIndicators')}</h4>
        <ul class="doc-indicators">
          ${group.indicators.map((i) => html`
            <li><a href=${`#/tong-quan/chi-tieu/${i.id}`}><span class="unit-code">${i.code}</span> ${i.name_vi}</a>${i.measure ? html` <span class="muted small">(${i.measure})</span>` : ''}</li>`)}
        </ul>`}
    </article>`;
}

function DocumentPage({ t, id, session, headingRef }) {
  const ids = useDocumentNumbers();
  const [doc, setDoc] = useState(null);
  const [error, setError] = useState(null);
  const [below, setBelow] = useState(null);   // the documents implementing it, as a tree
  useEffect(() => {
    setDoc(null);
    setError(null);
    setBelow(null);
    apiGet(`/api/v1/documents/${id}`).then(setDoc, (e) => setError(e));
    apiGet('/api/v1/documents/tree').then((tree) => setBelow(findNode(tree.roots, id)?.children || []), () => setBelow(null));
  }, [id, session.me]);
  if (error) {
    return html`
      <section class="view view-document">
        <h1 tabindex="-1" ref=${headingRef}>${t('view.van-ban')}</h1>
        <p class="form-error" role="alert">${error.status === 404 ? t('doc.notFound') : error.message}</p>
        <p><a href="#/van-ban">${t('doc.back')}</a></p>
      </section>`;
  }
  if (!doc) return html`<section class="view view-document"><h1 tabindex="-1" ref=${headingRef}>${t('view.van-ban')}</h1><p class="muted">${t('doc.loading')}</p></section>`;
  const groups = doc.groups.filter((g) => g.tasks_total > 0 || g.indicators.length > 0 || g.code);
  return html`
    <section class="view view-document">
      <p class="small"><a href="#/van-ban">${t('doc.back')}</a></p>
      <${Chain} t=${t} doc=${doc} />
      <h1 tabindex="-1" ref=${headingRef}><span class="nowrap">${doc.number}</span></h1>
      <p class="doc-title lead"><${LinkedText} text=${doc.title} ids=${ids} /></p>
      <${Issued} t=${t} doc=${doc} />
      ${doc.basis_id && html`<p>${t('doc.basis')}: <a href=${documentHref(doc.basis_id)}>${doc.basis_number}</a></p>`}
      <section class="doc-overall">
        <h2>${t('doc.progress')}</h2>
        <${DocProgress} t=${t} doc=${{ ...doc, children: below || [] }} />
      </section>
      <${Children} t=${t} doc=${doc} below=${below} />
      ${groups.length > 0 && html`
        <section class="doc-groups">
          <h2>${t('doc.groups')}</h2>
          ${groups.map((g) => html`<${Group} key=${g.code || '-'} t=${t} group=${g} signedIn=${!!session.me} />`)}
        </section>`}
    </section>`;
}

export function DocumentsView({ t, session, hash, headingRef }) {
  const id = documentIdFromHash(hash);
  return id ? html`<${DocumentPage} t=${t} id=${id} session=${session} headingRef=${headingRef} />`
    : html`<${DocumentTree} t=${t} headingRef=${headingRef} />`;
}
