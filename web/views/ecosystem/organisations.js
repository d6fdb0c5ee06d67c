// Organisations of the ecosystem registry: #/to-chuc (search, import,
// export, duplicates) and #/to-chuc/<id> (the profile).
import { html } from '../../ui.js';

export function OrganisationsView({ t, headingRef }) {
  return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.to-chuc')}</h1></section>`;
}
