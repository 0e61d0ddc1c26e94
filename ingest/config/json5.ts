// openclaw.json is JSON5 (comments, trailing commas, unquoted keys, single quotes). This turns that subset into
// JSON for JSON.parse, character by character so that strings are never touched by the rewrites.

function skipBlank(src: string, i: number): number {
  for (;;) {
    while (i < src.length && /\s/.test(src[i])) i++;
    if (src[i] === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src[i] === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else return i;
  }
}

export function json5ToJson(src: string): string {
  const out: string[] = [];
  let last = ''; // last significant character written
  let i = 0;
  const n = src.length;
  const emit = (s: string): void => {
    out.push(s);
    const t = s.trimEnd();
    if (t) last = t[t.length - 1];
  };
  while (i < n) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < n && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < n) {
          s += src[j + 1] === "'" ? "'" : src[j] + src[j + 1];
          j += 2;
        } else {
          s += src[j] === '"' ? '\\"' : src[j] === '\n' ? '\\n' : src[j];
          j++;
        }
      }
      emit('"' + s + '"');
      i = j + 1;
    } else if (c === '/' && (src[i + 1] === '/' || src[i + 1] === '*')) {
      const j = skipBlank(src, i);
      out.push(src.slice(i, j).replace(/[^\n]/g, ' ')); // keep line numbers
      i = j;
    } else if (c === ',') {
      const j = skipBlank(src, i + 1);
      if (src[j] !== '}' && src[j] !== ']') emit(',');
      i++;
    } else if (/[A-Za-z_$]/.test(c) && (last === '{' || last === ',')) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(src[j])) j++;
      emit('"' + src.slice(i, j) + '"');
      i = j;
    } else {
      emit(c);
      i++;
    }
  }
  return out.join('');
}

export function parseJson5(src: string): unknown {
  return JSON.parse(json5ToJson(src.replace(/^\uFEFF/, '')));
}

/**
 * The line of every object key of a JSON text (json5ToJson's output keeps the source's lines), by its path of keys
 * joined with NUL, in one pass. First occurrence wins (a duplicate key's later value is the one JSON.parse keeps, but
 * its first line is where a reader looks).
 */
export function keyLines(json: string): Map<string, number> {
  const out = new Map<string, number>();
  const stack: { obj: boolean; path: string[]; expectKey: boolean; key: string | null }[] = [];
  let line = 1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    const top = stack[stack.length - 1];
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (top?.obj && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(json.slice(i, j + 1)) as string;
        } catch {
          key = json.slice(i + 1, j);
        }
        top.key = key;
        top.expectKey = false;
        const p = [...top.path, key].join('\0');
        if (!out.has(p)) out.set(p, line);
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const path = top ? (top.obj ? [...top.path, top.key ?? ''] : top.path) : [];
      stack.push({ obj: c === '{', path, expectKey: c === '{', key: null });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.obj) top.expectKey = true;
  }
  return out;
}
