// Agreements, funds, investments and support: #/thoa-thuan,
// #/thoa-thuan/<code>, #/quy, #/quy/<code>.
import { html } from '../../ui.js';

export function AgreementsView({ t, headingRef }) {
  return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.thoa-thuan')}</h1></section>`;
}

export function FundsView({ t, headingRef }) {
  return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.quy')}</h1></section>`;
}
