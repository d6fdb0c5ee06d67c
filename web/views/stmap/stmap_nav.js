// The four pages of the S&T map, one link each, shown under each page's
// title: the map, the outputs, the productivity and impact indicators and
// the collaboration network.
import { html } from '../../ui.js';

const PAGES = ['ban-do', 'cong-bo', 'chi-so-khcn', 'mang-hop-tac'];

export function StmapNav({ t, current }) {
  return html`
    <nav aria-label=${t('stmap.nav')}>
      <ul class="chips section-tabs">${PAGES.map((id) => html`
        <li><a class="chip" href=${`#/${id}`} aria-current=${id === current ? 'page' : undefined}>${t(`view.${id}`)}</a></li>`)}
      </ul>
    </nav>`;
}
