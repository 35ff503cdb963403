import { z } from 'zod';

/**
 * A submitted settings form exactly as typed: flat field names (`week.mon.0.start`) to strings, or
 * string lists for multi-selects and checkbox groups. Kept as typed so a rejected form re-renders
 * with the person's input, not with what the server could make of it.
 */
export type FormValues = Record<string, string | string[]>;

const RawBody = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

/**
 * Thrown for a body no page of ours produces (an unknown field, a nested value, a value no control
 * offers). The settings page answers it with HTTP 422 and a translated message naming `field`.
 */
export class UnexpectedFormError extends Error {
  readonly status = 422;
  readonly code = 'unexpected_form';
  constructor(
    /** The offending field, as posted. */
    readonly field: string,
    /** `settings.errors.<reason>`. */
    readonly reason: 'unexpected_field' | 'bad_value' | 'duplicate_field',
  ) {
    super(`${reason}: ${field}`);
  }
}

/**
 * Reads a urlencoded body into FormValues. Field names are flat on purpose (dots, not brackets), so
 * the result is the same whether the host parses bodies with `qs` or with `querystring`. Every name
 * must match one of `allowed` (strict, like our zod schemas); `_csrf` and `_action` always pass.
 */
export function readForm(
  body: unknown,
  allowed: readonly RegExp[],
  lists: readonly RegExp[] = [],
): FormValues {
  const parsed = RawBody.safeParse(body ?? {});
  if (!parsed.success) {
    throw new UnexpectedFormError(String(parsed.error.issues[0]?.path[0] ?? '(form)'), 'bad_value');
  }
  const values: FormValues = {};
  for (const [name, value] of Object.entries(parsed.data)) {
    if (name === '_csrf') continue;
    if (name !== '_action' && !allowed.some((re) => re.test(name))) {
      throw new UnexpectedFormError(name, 'unexpected_field');
    }
    const isList = lists.some((re) => re.test(name));
    // A single-value field sent twice is not ours to choose from: taking either copy could lose what was typed.
    if (!isList && Array.isArray(value)) throw new UnexpectedFormError(name, 'duplicate_field');
    values[name] = isList ? ([] as string[]).concat(value) : value;
  }
  return values;
}

/** One value of a form, trimmed; '' when absent. */
export function text(values: FormValues, name: string): string {
  const v = values[name];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
}

/** A list value (multi-select, checkbox group), blanks dropped. */
export function list(values: FormValues, name: string): string[] {
  const v = values[name];
  return (v === undefined ? [] : ([] as string[]).concat(v)).map((s) => s.trim()).filter(Boolean);
}

/**
 * A list value exactly as sent, blanks dropped: for ids, which come from the page's own choices
 * and so are never padded (`" 12"` is not an id).
 */
export function rawList(values: FormValues, name: string): string[] {
  const v = values[name];
  return (v === undefined ? [] : ([] as string[]).concat(v)).filter((s) => s !== '');
}

/** The indexes used by rows of a repeated group (`escalations.3.metric` -> 3), sorted. */
export function rowIndexes(values: FormValues, pattern: RegExp): number[] {
  const found = new Set<number>();
  for (const name of Object.keys(values)) {
    const m = pattern.exec(name);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}
