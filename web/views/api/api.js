// The API page (#/api): the OpenAPI description the server serves at
// /api/v1/openapi.json, readable by an integrator — services grouped by
// tag, each with its summary in the reader's language, who may call it,
// its parameters, an example body and the answers it gives.
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

// Every operation as {method, path, op}, in the document's order.
function operations(doc) {
  return Object.entries(doc.paths || {}).flatMap(([path, ops]) =>
    METHODS.filter((m) => ops[m]).map((m) => ({ method: m.toUpperCase(), path, op: ops[m] })));
}

// A parameter's or a field's type as one short text.
function typeText(schema) {
  if (!schema) return '';
  if (schema.$ref) return schema.$ref.split('/').at(-1);
  const t = Array.isArray(schema.type) ? schema.type.filter((x) => x !== 'null').join(' | ') : schema.type || '';
  if (schema.enum) return `${t}: ${schema.enum.join(' | ')}`;
  if (t === 'array') return `${typeText(schema.items)}[]`;
  return t;
}

// The example of a request body, as the text a client would send.
function exampleText(body) {
  return Object.entries(body?.content || {}).map(([type, c]) => {
    let text = c.example === undefined ? '' : typeof c.example === 'string' ? c.example : JSON.stringify(c.example, null, 2);
    if (!text && c.schema?.$ref) text = c.schema.$ref.split('/').at(-1);
    return { type, text };
  }).filter((x) => x.text);
}

function statusText(t, status) {
  const key = `api.status.${status}`;
  const said = t(key);
  return said === key ? '' : said;
}

function Params({ t, lang, params }) {
  if (!params?.length) return null;
  return html`
    <h4>${t('api.params')}</h4>
    <div class="table-scroll">
      <table class="table api-params">
        <thead><tr><th scope="col">${t('api.param.name')}</th><th scope="col">${t('api.param.in')}</th>
          <th scope="col">${t('api.param.type')}</th><th scope="col">${t('api.param.about')}</th></tr></thead>
        <tbody>${params.map((p) => html`
          <tr key=${`${p.in}.${p.name}`}>
            <td data-label=${t('api.param.name')}><code>${p.name}</code>${p.required && html` <span class="badge">${t('api.required')}</span>`}</td>
            <td data-label=${t('api.param.in')}>${t(`api.in.${p.in}`)}</td>
            <td data-label=${t('api.param.type')}><code>${typeText(p.schema)}</code></td>
            <td data-label=${t('api.param.about')}>${(lang === 'vi' && p['x-description-vi']) || p.description || ''}</td>
          </tr>`)}</tbody>
      </table>
    </div>`;
}

function Operation({ t, lang, item }) {
  const { method, path, op } = item;
  const summary = lang === 'vi' ? op['x-summary-vi'] || op.summary : op.summary;
  const open = !!op.security?.some((s) => Object.keys(s).length === 0);
  const examples = exampleText(op.requestBody);
  const statuses = Object.keys(op.responses || {}).filter((s) => s !== 'default');
  return html`
    <li class="api-op">
      <details>
        <summary>
          <span class=${`api-method api-${method.toLowerCase()}`}>${method}</span>
          <code class="api-path">${path}</code>
          <span class="api-summary">${summary}</span>
        </summary>
        <div class="api-body">
          ${lang === 'vi' && op.summary && html`<p class="muted small" lang="en">${op.summary}</p>`}
          <p class="small">${open ? t('api.public') : t('api.signedIn')}</p>
          <${Params} t=${t} lang=${lang} params=${op.parameters} />
          ${examples.length > 0 && html`
            <h4>${t('api.body')}</h4>
            ${examples.map((e) => html`<p class="small"><code>${e.type}</code></p><pre class="api-example">${e.text}</pre>`)}`}
          <h4>${t('api.answers')}</h4>
          <ul class="api-statuses">${statuses.map((s) => html`
            <li key=${s}><code>${s}</code> ${statusText(t, s)}</li>`)}</ul>
        </div>
      </details>
    </li>`;
}

export function ApiView({ t, headingRef }) {
  const [doc, setDoc] = useState(null);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');
  const lang = t('api.lang');
  useEffect(() => {
    apiGet('/api/v1/openapi.json').then(setDoc, (e) => setError(e.message || t('api.failed')));
  }, []);
  const all = doc ? operations(doc) : [];
  const words = filter.trim().toLowerCase();
  const shown = all.filter(({ method, path, op }) => !words
    || `${method} ${path} ${op.summary} ${op['x-summary-vi'] || ''}`.toLowerCase().includes(words));
  const tags = (doc?.tags || []).map((x) => x.name).filter((name) => shown.some((o) => o.op.tags?.[0] === name));
  return html`
    <section class="view view-api">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.api')}</h1>
      <p class="lead">${t('api.intro')} <a href="/api/v1/openapi.json" download="openapi.json">${t('api.download')}</a></p>
      <p class="muted small">${t('api.errorShape')}</p>
      ${error && html`<p class="form-error" role="alert">${t('api.failed')} ${error}</p>`}
      ${!doc && !error && html`<p class="muted" role="status">${t('api.loading')}</p>`}
      ${doc && html`
        <label class="search">
          <span>${t('api.filter')}</span>
          <input type="search" value=${filter} placeholder=${t('api.filterHint')} onInput=${(e) => setFilter(e.target.value)} />
        </label>
        <p class="muted" role="status">${t('api.count', formatNumber(shown.length), formatNumber(all.length))}</p>
        ${shown.length === 0 && html`<p>${t('api.none')}</p>`}
        ${tags.map((tag) => html`
          <section class="api-group" key=${tag}>
            <h2>${t(`api.tag.${tag}`) === `api.tag.${tag}` ? tag : t(`api.tag.${tag}`)}</h2>
            <ul class="api-ops">
              ${shown.filter((o) => o.op.tags?.[0] === tag).map((o) => html`<${Operation} key=${`${o.method} ${o.path}`} t=${t} lang=${lang} item=${o} />`)}
            </ul>
          </section>`)}`}
    </section>`;
}
