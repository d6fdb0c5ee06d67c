// Networks of innovation centres and their shared resources: #/mang-luoi
// (the networks), #/mang-luoi/<code> (members, resources, the request
// form), #/tai-nguyen/<id> (a resource's calendar and requests).
import { html } from '../../ui.js';

export function NetworksView({ t, headingRef }) {
  return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.mang-luoi')}</h1></section>`;
}

export function ResourceView({ t, headingRef }) {
  return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.tai-nguyen')}</h1></section>`;
}
