// #/mang-hop-tac (to be written).
import { html } from '../../ui.js';

export function CollaborationView({ t, headingRef }) {
  return html`<h1 ref=${headingRef} tabindex="-1">${t('view.mang-hop-tac')}</h1>`;
}
