// A parsed config document as (dotted path, leaf value) pairs: `a.b[0].c`. Bounded, so a hostile document cannot make
// millions of values.
const MAX_VALUES = 5000;

export function flatten(doc: unknown, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  if (out.length >= MAX_VALUES) return out;
  if (Array.isArray(doc)) doc.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (doc !== null && typeof doc === 'object' && !(doc instanceof Date)) {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.push([prefix, doc instanceof Date ? doc.toISOString() : doc]);
  return out;
}
