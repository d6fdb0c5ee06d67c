// #/cho-cong-nghe (to be written).
import { html } from '../../ui.js';

export function MarketView({ t, headingRef }) {
  return html`<h1 ref=${headingRef} tabindex="-1">${t('view.cho-cong-nghe')}</h1>`;
}
