/**
 * Every way a TypeScript source can load another module, found by a small tokenizer rather than
 * line regexes: static `import … from` / `export … from`, side-effect `import 'x'`, dynamic
 * `import(…)` (also after `await`), and `require(…)`. Comments are skipped and string, template
 * and regex literals are read as whole tokens, so a specifier in a comment or the word
 * `require(` inside a message is not a reference, and a quote inside a regex does not derail
 * the scan. test/core-isolation.test.ts uses it to keep core free of Node and DOM modules.
 */

export type ReferenceKind = 'static' | 'side-effect' | 'dynamic' | 'require';

export interface ModuleReference {
  kind: ReferenceKind;
  /** The specifier, or null when it is computed (`import(name)`, a template with `${}`). */
  spec: string | null;
}

/** A word (identifier or keyword), one punctuation character, or a literal (value null when computed or a regex). */
export type Token = { type: 'word' | 'punct'; text: string } | { type: 'string'; value: string | null };

/** Keywords after which a `/` starts a regex literal rather than a division. */
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'await',
  'yield',
]);

/** End index (exclusive) of the quoted literal starting at `start`. */
function skipQuoted(src: string, start: number): number {
  const quote = src[start];
  let i = start + 1;
  while (i < src.length && src[i] !== quote) i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** End index of the template literal at `start`, and whether it has `${}` substitutions. */
function skipTemplate(src: string, start: number): { end: number; computed: boolean } {
  let i = start + 1;
  let computed = false;
  while (i < src.length && src[i] !== '`') {
    if (src[i] === '\\') i += 2;
    else if (src[i] === '$' && src[i + 1] === '{') {
      computed = true;
      // Skip the substitution by brace depth, stepping over nested literals.
      let depth = 1;
      i += 2;
      while (i < src.length && depth > 0) {
        const c = src[i];
        if (c === '"' || c === "'") i = skipQuoted(src, i);
        else if (c === '`') i = skipTemplate(src, i).end;
        else {
          if (c === '{') depth++;
          else if (c === '}') depth--;
          i++;
        }
      }
    } else i++;
  }
  return { end: i + 1, computed };
}

/** End index of the regex literal at `start` (flags included). */
function skipRegex(src: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < src.length && src[i] !== '\n') {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    i++;
  }
  i++;
  while (i < src.length && /[a-z]/i.test(src[i])) i++;
  return i;
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.type === 'string') return false;
  if (prev.type === 'word') return BEFORE_REGEX.has(prev.text);
  return !(prev.text === ')' || prev.text === ']' || prev.text === '}');
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) i++;
    else if (c === '/' && src[i + 1] === '/') i = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
    else if (c === '/' && src[i + 1] === '*')
      i = src.indexOf('*/', i + 2) < 0 ? src.length : src.indexOf('*/', i + 2) + 2;
    else if (c === '"' || c === "'") {
      const end = skipQuoted(src, i);
      tokens.push({ type: 'string', value: src.slice(i + 1, end - 1) });
      i = end;
    } else if (c === '`') {
      const { end, computed } = skipTemplate(src, i);
      tokens.push({ type: 'string', value: computed ? null : src.slice(i + 1, end - 1) });
      i = end;
    } else if (c === '/' && regexAllowed(tokens.at(-1))) {
      i = skipRegex(src, i);
      tokens.push({ type: 'string', value: null });
    } else if (/[\w$]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[\w$]/.test(src[j])) j++;
      tokens.push({ type: 'word', text: src.slice(i, j) });
      i = j;
    } else {
      tokens.push({ type: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

const isPunct = (t: Token | undefined, text: string) => t?.type === 'punct' && t.text === text;
/** A call argument's specifier: a plain literal, else null (computed). */
const argument = (t: Token | undefined) => (t?.type === 'string' ? t.value : null);

export function moduleReferences(src: string): ModuleReference[] {
  const tokens = tokenize(src);
  const refs: ModuleReference[] = [];
  /** Inside an `import …` / `export …` statement that may end in `from '<spec>'`. */
  let inClause = false;
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    // `x.import`, `x.require(…)` and `import.meta` are property accesses, not module loads.
    const member = isPunct(prev, '.') || isPunct(next, '.');
    if (isPunct(t, ';')) inClause = false;
    if (t.type !== 'word' || member) return;
    if (t.text === 'import' && isPunct(next, '(')) refs.push({ kind: 'dynamic', spec: argument(tokens[i + 2]) });
    else if (t.text === 'require' && isPunct(next, '(')) refs.push({ kind: 'require', spec: argument(tokens[i + 2]) });
    else if (t.text === 'import' && next?.type === 'string') refs.push({ kind: 'side-effect', spec: next.value });
    else if (t.text === 'import' || t.text === 'export') inClause = true;
    else if (t.text === 'from' && inClause && next?.type === 'string') {
      refs.push({ kind: 'static', spec: next.value });
      inClause = false;
    }
  });
  return refs;
}
