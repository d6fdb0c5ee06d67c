// Text in which task codes (NV-005) and document numbers (57-NQ/TW,
// 43/KH-UBND) become links to their pages — a document's title often names
// the one it implements, an audit entry the records it touched.
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';

const CODE = /(\bNV-[0-9A-Z]+\b|\b\d+-NQ\/TW\b|\b\d+\/[\p{Lu}Đ]+(?:-[\p{Lu}Đ]+)*\b)/u;

let numbers = null;   // the promise of the map
let known = null;     // the map, once read

// number -> id of every document, read once per page load.
function loadNumbers() {
  if (!numbers) {
    numbers = apiGet('/api/v1/documents?limit=1000')
      .then((d) => { known = new Map(d.documents.map((x) => [x.number, x.id])); return known; })
      .catch(() => { numbers = null; return new Map(); });
  }
  return numbers;
}

// The documents' ids by number (an empty map until they are first read).
export function useDocumentNumbers() {
  const [ids, setIds] = useState(() => known || new Map());
  useEffect(() => {
    if (known) return undefined;
    let live = true;
    loadNumbers().then((m) => { if (live) setIds(m); });
    return () => { live = false; };
  }, []);
  return ids;
}

// text with its codes as links; a document number not known stays text.
export function LinkedText({ text, ids }) {
  if (!text) return '';
  const parts = String(text).split(CODE);
  if (parts.length === 1) return text;
  return parts.map((part, i) => {
    if (i % 2 === 0) return part;
    if (part.startsWith('NV-')) return html`<a class="nowrap" href=${`#/nhiem-vu/${encodeURIComponent(part)}`}>${part}</a>`;
    const id = ids?.get(part);
    return id ? html`<a class="nowrap" href=${`#/van-ban/${id}`}>${part}</a>` : html`<span class="nowrap">${part}</span>`;
  });
}

// Read as the app starts, so the first page's codes are links at once.
loadNumbers();
