// #/cong-bo (to be written).
import { html } from '../../ui.js';

export function OutputsView({ t, headingRef }) {
  return html`<h1 ref=${headingRef} tabindex="-1">${t('view.cong-bo')}</h1>`;
}
