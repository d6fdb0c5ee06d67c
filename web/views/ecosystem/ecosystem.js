// The ecosystem's landing page #/he-sinh-thai: what the registry holds, with
// a link to each of its lists.
import { html } from '../../ui.js';

export function EcosystemView({ t, headingRef }) {
  return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.he-sinh-thai')}</h1></section>`;
}
