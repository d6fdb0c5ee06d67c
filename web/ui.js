// The UI toolkit in one place: Preact's renderer and hooks, and `html`, the
// htm tagged template bound to Preact's h(). Views import from here only.
import { h, render } from './vendor/preact.js';
import htm from './vendor/htm.js';

export { render };
export { useCallback, useEffect, useRef, useState } from './vendor/preact-hooks.js';
export const html = htm.bind(h);
