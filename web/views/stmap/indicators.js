// #/chi-so-khcn (to be written).
import { html } from '../../ui.js';

export function StIndicatorsView({ t, headingRef }) {
  return html`<h1 ref=${headingRef} tabindex="-1">${t('view.chi-so-khcn')}</h1>`;
}
