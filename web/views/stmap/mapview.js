// #/ban-do (to be written).
import { html } from '../../ui.js';

export function MapView({ t, headingRef }) {
  return html`<h1 ref=${headingRef} tabindex="-1">${t('view.ban-do')}</h1>`;
}
