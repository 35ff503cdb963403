import type { i18n, TFunction } from 'i18next';

/**
 * Translations for code that words hundreds of phrases per request (the list badges): each
 * i18next call costs ~10 µs (key resolution, plural rules, interpolation), more than the rest of a
 * badge. The translator's resources are loaded once at activation and never change, so what a key
 * says in a language is asked once per process and kept here; only the interpolated value varies.
 */
export interface Phrases {
  /** `t(key)`; with `defaultValue`, `t(key, { defaultValue })`. */
  text(key: string, defaultValue?: string): string;
  /** `t(key, { count })` (plural forms by count), kept per count. */
  counted(key: string, count: number): string;
  /** `(value) => t(key, { [name]: value })`, the template split once around the value. */
  filler(key: string, name: string): (value: string) => string;
  /**
   * `t(key, values)` for string and number values (and a plural `count`), the template worded once
   * per key, value names and count; anything else goes to `t` as it is.
   */
  format(key: string, values?: Readonly<Record<string, unknown>>): string;
}

/**
 * Stands in for the value while the template is read: no locale text contains it, and i18next
 * leaves an interpolated value as it is (no escaping, no nesting inside values), so the template
 * split around it and joined with a value gives what `t` gives for that value.
 */
const MARK = '\u0000sv-value\u0000';
/** Counts kept per key (days overdue can grow without bound; past this they are worded anew). */
const MAX_COUNTS = 4096;

/** Names i18next reads as options, not values: such a call goes to i18next as it is. */
const I18NEXT_OPTIONS = new Set([
  'context',
  'lng',
  'lngs',
  'ns',
  'defaultValue',
  'defaultValue_plural',
  'fallbackLng',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'skipInterpolation',
  'replace',
  'ordinal',
  'keySeparator',
  'nsSeparator',
]);

/** Templates kept per key, value names and count (counts can grow without bound). */
const MAX_FORMATS = 8192;

class CachedPhrases implements Phrases {
  private readonly formats = new Map<string, (values: Readonly<Record<string, unknown>>) => string>();
  private readonly texts = new Map<string, string>();
  private readonly counts = new Map<string, Map<number, string>>();
  private readonly fillers = new Map<string, (value: string) => string>();

  constructor(private readonly t: TFunction) {}

  text(key: string, defaultValue?: string): string {
    const id = defaultValue === undefined ? key : `${key}\u0000${defaultValue}`;
    let found = this.texts.get(id);
    if (found === undefined) {
      found = defaultValue === undefined ? this.t(key) : this.t(key, { defaultValue });
      this.texts.set(id, found);
    }
    return found;
  }

  counted(key: string, count: number): string {
    let byCount = this.counts.get(key);
    if (!byCount) {
      byCount = new Map();
      this.counts.set(key, byCount);
    }
    let found = byCount.get(count);
    if (found === undefined) {
      found = this.t(key, { count });
      if (byCount.size < MAX_COUNTS) byCount.set(count, found);
    }
    return found;
  }

  format(key: string, values?: Readonly<Record<string, unknown>>): string {
    if (values === undefined) return this.text(key);
    const names = Object.keys(values)
      .filter((n) => n !== 'count')
      .sort();
    const { count } = values;
    const plain = (n: string) =>
      !I18NEXT_OPTIONS.has(n) && (typeof values[n] === 'string' || typeof values[n] === 'number');
    if ((count !== undefined && typeof count !== 'number') || !names.every(plain))
      return this.t(key, values as Record<string, unknown>);
    const id = `${key}\u0000${names.join(',')}\u0000${count ?? ''}`;
    let fill = this.formats.get(id);
    if (!fill) {
      // A template that formats a value (`{{n, number}}`) or nests a key built from one
      // (`$t(m_{{k}})`) cannot be split around marks: i18next words it each time.
      const raw = this.t(
        key,
        count === undefined ? { skipInterpolation: true } : { count, skipInterpolation: true },
      );
      if (/\$t\(|{{[^}]*,/.test(raw)) {
        const direct = (v: Readonly<Record<string, unknown>>) => this.t(key, v as Record<string, unknown>);
        if (this.formats.size < MAX_FORMATS) this.formats.set(id, direct);
        return direct(values);
      }
      // Each value's place marked once: the pieces alternate text and the index of a name.
      const marks: Record<string, unknown> = Object.fromEntries(
        names.map((n, i) => [n, `${MARK}${i}${MARK}`]),
      );
      if (count !== undefined) marks.count = count;
      const pieces = this.t(key, marks).split(new RegExp(`${MARK}(\\d+)${MARK}`));
      fill = (v) => pieces.map((p, i) => (i % 2 === 1 ? String(v[names[Number(p)]]) : p)).join('');
      if (this.formats.size < MAX_FORMATS) this.formats.set(id, fill);
    }
    return fill(values);
  }

  filler(key: string, name: string): (value: string) => string {
    const id = `${key}\u0000${name}`;
    let fill = this.fillers.get(id);
    if (!fill) {
      const parts = this.t(key, { [name]: MARK }).split(MARK);
      // A template without the value (a language that leaves it out) is that text whatever the value.
      fill =
        parts.length === 1
          ? () => parts[0]
          : parts.length === 2
            ? (v) => parts[0] + v + parts[1]
            : (v) => parts.join(v);
      this.fillers.set(id, fill);
    }
    return fill;
  }
}

const cache = new WeakMap<i18n, Map<string, Phrases>>();

/** The phrases of `lang` in this translator, shared by every request of the process. */
export function phrasesFor(instance: i18n, lang: string): Phrases {
  let byLang = cache.get(instance);
  if (!byLang) {
    byLang = new Map();
    cache.set(instance, byLang);
  }
  let phrases = byLang.get(lang);
  if (!phrases) {
    phrases = new CachedPhrases(instance.getFixedT(lang));
    byLang.set(lang, phrases);
  }
  return phrases;
}
