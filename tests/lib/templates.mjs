// The err_set templates of the C sources, read from the tree as it is now:
// each call's format argument, with adjacent literals joined, every branch
// of a conditional (`n ? "a %d" : "b"`) and macros naming a literal
// (`#define NOT_XLSX "..."`) resolved. Used by the catalogue test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.[ch]$/.test(name)) out.push(p);
  }
  return out;
}

// Reads a C string literal starting at src[i] === '"'; returns [text, end].
function readLiteral(src, i) {
  let s = '';
  for (i++; i < src.length && src[i] !== '"'; i++) {
    if (src[i] !== '\\') { s += src[i]; continue; }
    const c = src[++i];
    const esc = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'", r: '\r', 0: '\0' };
    s += c in esc ? esc[c] : c;
  }
  return [s, i + 1];
}

// Blanks comments and character literals so that they don't confuse the scan.
function stripComments(src) {
  return src.replace(/"(?:\\.|[^"\\\n])*"|\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\])+'/g,
    (m) => (m[0] === '"' ? m : m.replace(/[^\n]/g, ' ')));
}

// The argument text of a call whose '(' is at src[open]: the arguments at
// depth one, split on top-level commas.
function callArgs(src, open) {
  const args = [];
  let depth = 0, start = open + 1;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"') { i = readLiteral(src, i)[1] - 1; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) { args.push(src.slice(start, i)); return args; }
    } else if (c === ',' && depth === 1) {
      args.push(src.slice(start, i));
      start = i + 1;
    }
  }
  return args;
}

// Every template an expression can give: runs of adjacent literals, plus
// macros that name one.
function templatesOf(expr, macros) {
  const out = [];
  let i = 0, run = null;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"') {
      const [s, end] = readLiteral(expr, i);
      run = (run ?? '') + s;
      i = end;
      continue;
    }
    if (/\s/.test(c)) { i++; continue; }
    if (run !== null) { out.push(run); run = null; }
    const id = /^[A-Za-z_]\w*/.exec(expr.slice(i));
    if (id) {
      if (id[0] in macros) out.push(macros[id[0]]);
      i += id[0].length;
    } else i++;
  }
  if (run !== null) out.push(run);
  return out;
}

// Functions that take a message template, and which argument it is: err_set
// itself, and the per-row problems of imports, which set it as the error of
// their row (domain/exchange.c, domain/unit_import.c).
const FORMAT_ARG = { err_set: 1, problem: 4, bad_row: 2 };

// [{template, code, file, line}] for every err_set (and row problem) in the .c/.h files under dirs
// (paths relative to root).
export function errSetTemplates(root, dirs) {
  const found = [];
  for (const dir of dirs) {
    for (const file of walk(path.join(root, dir))) {
      const src = stripComments(readFileSync(file, 'utf8'));
      const macros = {};
      for (const m of src.matchAll(/^#define\s+(\w+)\s+((?:"(?:\\.|[^"\\])*"\s*)+)$/gm))
        macros[m[1]] = templatesOf(m[2], {})[0];
      for (const m of src.matchAll(/\b(err_set|problem|bad_row)\s*\(/g)) {
        const open = m.index + m[0].length - 1;
        const before = src.slice(Math.max(0, m.index - 12), m.index);
        if (/\b(int|void)\s+$/.test(before)) continue; // a definition
        const at = FORMAT_ARG[m[1]];
        const args = callArgs(src, open);
        if (args.length <= at) continue;
        const line = src.slice(0, m.index).split('\n').length;
        const code = m[1] === 'err_set' ? args[0].trim() : 'ERR_INVALID';
        for (const t of templatesOf(args[at], macros))
          found.push({ template: t, code, file: path.relative(root, file), line });
      }
    }
  }
  return found;
}

// The number of printf conversions in a template ('%%' is none).
export function conversions(template) {
  let n = 0;
  for (const m of template.matchAll(/%[-+ #0-9.*hlzjtL]*([diouxXeEfFgGaAcsp%])/g))
    if (m[1] !== '%') n++;
  return n;
}
