/**
 * What changed between two stored configuration documents (the `before` and `after` of an audit
 * row), as one entry per leaf: a field whose value changed, or a field or list entry that was
 * added or removed. Objects are compared key by key; lists of plain values as sets (each added
 * or removed value is its own entry, a pure reordering one change); lists of objects by position.
 * Pure: the audit page words and escapes the entries.
 */
export interface ConfigChange {
  /** Keys from the document root; list positions count from 1 (as people count levels). */
  path: (string | number)[];
  kind: 'changed' | 'added' | 'removed';
  before?: unknown;
  after?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function diffDocuments(before: unknown, after: unknown): ConfigChange[] {
  const out: ConfigChange[] = [];
  walk(before as Json | undefined, after as Json | undefined, [], out);
  return out;
}

const isObject = (v: unknown): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isPlainList = (v: unknown): v is Json[] =>
  Array.isArray(v) && v.every((x) => !isObject(x) && !Array.isArray(x));

function walk(
  a: Json | undefined,
  b: Json | undefined,
  path: ConfigChange['path'],
  out: ConfigChange[],
): void {
  if (a === undefined || a === null) {
    if (b === undefined || b === null) return;
    return leaves(b, path, 'added', out);
  }
  if (b === undefined || b === null) return leaves(a, path, 'removed', out);
  if (isObject(a) && isObject(b)) {
    for (const key of union(Object.keys(a), Object.keys(b))) walk(a[key], b[key], [...path, key], out);
    return;
  }
  if (isPlainList(a) && isPlainList(b)) {
    const inA = new Set(a.map((x) => JSON.stringify(x)));
    const inB = new Set(b.map((x) => JSON.stringify(x)));
    const added = b.filter((x) => !inA.has(JSON.stringify(x)));
    const removed = a.filter((x) => !inB.has(JSON.stringify(x)));
    for (const x of removed) out.push({ path, kind: 'removed', before: x });
    for (const x of added) out.push({ path, kind: 'added', after: x });
    if (!added.length && !removed.length && JSON.stringify(a) !== JSON.stringify(b))
      out.push({ path, kind: 'changed', before: a, after: b });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], [...path, i + 1], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, kind: 'changed', before: a, after: b });
}

/**
 * A whole added or removed value, one entry per leaf (a new policy reads field by field). An
 * empty object or list and a null add or remove nothing a person could read ("Match: added {}"),
 * so they make no entry.
 */
function leaves(v: Json, path: ConfigChange['path'], kind: 'added' | 'removed', out: ConfigChange[]): void {
  const side = (x: Json): ConfigChange =>
    kind === 'added' ? { path, kind, after: x } : { path, kind, before: x };
  if (v === null) return;
  if (isObject(v)) {
    for (const [key, x] of Object.entries(v)) leaves(x, [...path, key], kind, out);
  } else if (Array.isArray(v) && !isPlainList(v)) {
    (v as Json[]).forEach((x, i) => leaves(x, [...path, i + 1], kind, out));
  } else if (Array.isArray(v)) {
    for (const x of v) out.push(side(x));
  } else out.push(side(v));
}

function union(a: string[], b: string[]): string[] {
  return [...a, ...b.filter((k) => !a.includes(k))];
}
