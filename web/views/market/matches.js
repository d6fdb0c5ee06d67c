// The matches of a listing, on its page #/cho-cong-nghe/<id>: for a
// problem the offers and experts that may solve it, for an offer or an
// expert the problems they may solve; each with its score and the reasons
// that make it, so that a person sees why one comes first. How the points
// are counted is said under the list (the server's own figures).
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { listingHref, orgHref } from './search.js';

const isEnglish = () => globalThis.document?.documentElement.lang === 'en';

// "2 sáng chế, 1 dự án" from the counts of a record reason.
function recordText(t, r) {
  return ['patents', 'spinoffs', 'commercialisations', 'projects', 'agreements', 'publications']
    .filter((k) => r[k] > 0).map((k) => t(`mm.record.${k}`, formatNumber(r[k]))).join(', ');
}

function reasonText(t, r, sectors) {
  switch (r.code) {
    case 'terms': return t('mm.reason.terms', r.terms.join(', '));
    case 'sector': return t('mm.reason.sector', sectors.get(r.sector) || r.sector);
    case 'trl': return t(r.trl >= r.expected ? 'mm.reason.trl' : 'mm.reason.trlNear', r.trl, r.expected);
    case 'record': return t('mm.reason.record', recordText(t, r));
    case 'contracts': return t('mm.reason.contracts', formatNumber(r.contracts), formatNumber(r.deals));
    default: return r.code;
  }
}

function Match({ t, m, sectors, rank }) {
  return html`
    <li class="mm-match card" key=${m.id}>
      <p class="mm-match-head">
        <span class="mm-rank">${rank}.</span>
        <span class="badge">${t(`mm.kind.${m.kind}`)}</span>
        ${m.trl && html` <span class="badge">TRL ${m.trl}</span>`}
        <strong class="mm-score">${t('mm.points', formatNumber(m.score))}</strong>
      </p>
      <h3 class="mm-hit-title"><a href=${listingHref(m.id)}>${m.title}</a></h3>
      ${m.organisation && html`<p class="muted"><a href=${orgHref(m.organisation.id)}>${m.organisation.name}</a></p>`}
      <ul class="mm-reasons">${m.reasons.map((r) => html`
        <li class=${`mm-reason mm-reason-${r.code}`} key=${r.code}>${reasonText(t, r, sectors)} <span class="mm-plus">+${formatNumber(r.points)}</span></li>`)}
      </ul>
    </li>`;
}

// How the points are counted, from the figures the server used.
function Scoring({ t, p }) {
  if (!p) return null;
  return html`
    <details class="mm-scoring">
      <summary>${t('mm.howTitle')}</summary>
      <ul>
        <li>${t('mm.how.terms', p.word, p.term, p.terms_max)}</li>
        <li>${t('mm.how.sector', p.sector)}</li>
        <li>${t('mm.how.trl', p.trl, p.trl_near, p.trl_expected)}</li>
        <li>${t('mm.how.record', p.record_max)}</li>
        <li>${t('mm.how.contracts', p.contract, p.contracts_max)}</li>
      </ul>
    </details>`;
}

export function Matches({ t, id }) {
  const [state, setState] = useState({ data: null, error: '' });
  const [sectors, setSectors] = useState(new Map());
  useEffect(() => {
    const ctl = new AbortController();
    setState({ data: null, error: '' });
    apiGet(`/api/v1/market/listings/${id}/matches`, { signal: ctl.signal })
      .then((data) => setState({ data, error: '' }), (e) => { if (e.name !== 'AbortError') setState({ data: null, error: e.message }); });
    return () => ctl.abort();
  }, [id]);
  useEffect(() => {
    apiGet('/api/v1/sectors').then((d) => setSectors(new Map((d.sectors || []).map((s) => [s.code, isEnglish() ? s.name_en : s.name_vi]))), () => {});
  }, []);
  const { data, error } = state;
  const kind = data?.listing?.kind;
  return html`
    <section class="mm-matches" aria-labelledby="mm-matches-title">
      <h2 id="mm-matches-title">${kind === 'problem' ? t('mm.matchesForProblem') : t('mm.matchesForOffer')}</h2>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!data && !error && html`<p class="muted" role="status">${t('mm.loading')}</p>`}
      ${data && data.matches.length === 0 && html`<p class="muted">${t('mm.noMatches')}</p>`}
      ${data?.matches.length > 0 && html`<ol class="mm-match-list">${data.matches.map((m, i) => html`<${Match} key=${m.id} t=${t} m=${m} sectors=${sectors} rank=${i + 1} />`)}</ol>`}
      <${Scoring} t=${t} p=${data?.points} />
    </section>`;
}
