import fc from 'fast-check';
import { createTranslator } from '../../src/i18n/translator';
import { phrasesFor } from '../../src/i18n/phrase-cache';

/**
 * The cached phrases say what i18next says for the same key and value: interpolated values of any
 * text (markup, i18next's own `{{...}}` and `$t(...)` syntax included), plural forms by count,
 * defaults for missing keys, and a language without a file (falls back to English).
 */
const translator = createTranslator();
const LANGS = ['en', 'de', 'es', 'fr'];
const FILLED: [string, string][] = [
  ['column.left', 'duration'],
  ['column.overdue', 'duration'],
  ['column.due_at', 'when'],
  ['metrics.status_time_in', 'status'],
];

describe('phrase cache = i18next', () => {
  it.each(LANGS)('interpolated phrases (%s)', (lang) => {
    const t = translator.getFixedT(lang);
    const phrases = phrasesFor(translator, lang);
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom('{{duration}}', '$t(states.met)', '<b>&"\'', '', '{{when}}'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...FILLED), value, ([key, name], v) => {
        expect(phrases.filler(key, name)(v)).toBe(t(key, { [name]: v }));
      }),
      { numRuns: 2000 },
    );
  });

  it.each(LANGS)('counted units and plain keys (%s)', (lang) => {
    const t = translator.getFixedT(lang);
    const phrases = phrasesFor(translator, lang);
    for (const unit of ['days', 'hours', 'minutes']) {
      for (let count = 0; count <= 5000; count += count < 100 ? 1 : 37) {
        expect(phrases.counted(`column.units.${unit}`, count)).toBe(t(`column.units.${unit}`, { count }));
      }
    }
    for (const key of [
      'states.on_track',
      'states.paused',
      'column.paused',
      'column.not_seen',
      'metrics.resolution',
    ])
      expect(phrases.text(key)).toBe(t(key));
    expect(phrases.text('metrics.custom_metric', 'custom_metric')).toBe(
      t('metrics.custom_metric', { defaultValue: 'custom_metric' }),
    );
  });

  it('shares one cache per translator and language', () => {
    expect(phrasesFor(translator, 'de')).toBe(phrasesFor(translator, 'de'));
    expect(phrasesFor(translator, 'de')).not.toBe(phrasesFor(createTranslator(), 'de'));
  });
});

/** Every key of a locale file with its `{{name}}` values, flattened (`emails.subject.line`, ...). */
function keysWithValues(tree: Record<string, unknown>, path = ''): [string, string[]][] {
  return Object.entries(tree).flatMap(([k, v]) => {
    const key = path ? `${path}.${k}` : k;
    if (typeof v === 'string') return [[key, [...v.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1])]];
    return v && typeof v === 'object' ? keysWithValues(v as Record<string, unknown>, key) : [];
  });
}

describe('phrase cache format = i18next, every key of every locale', () => {
  // The escalation emails word everything through `format`; plural keys are read by their base
  // key with a count, as the code asks them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const en = require('../../locales/en.json') as Record<string, unknown>;
  const keys = [
    ...new Map(
      keysWithValues(en).map(([key, names]) => [key.replace(/_(zero|one|two|few|many|other)$/, ''), names]),
    ),
  ];
  it.each(LANGS)('%s', (lang) => {
    const t = translator.getFixedT(lang);
    const phrases = phrasesFor(translator, lang);
    const text = fc.oneof(fc.string(), fc.constantFrom('{{id}}', '$t(states.met)', '<b>&"\'', '', '$&'));
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.array(text, { minLength: 6, maxLength: 6 }),
        fc.option(fc.nat(400), { nil: undefined }),
        ([key, names], texts, count) => {
          const values: Record<string, unknown> = Object.fromEntries(
            names.filter((n) => n !== 'count').map((n, i) => [n, i % 2 ? texts[i % 6] : i * 7]),
          );
          if (count !== undefined || names.includes('count')) values.count = count ?? 1;
          const asked = Object.keys(values).length ? values : undefined;
          expect(phrases.format(key, asked)).toBe(asked ? t(key, asked) : t(key));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('phrase cache format: what it leaves to i18next', () => {
  it('context, a default with values, formatters and keys nested from a value word as i18next words them', async () => {
    const i18next = (await import('i18next')).default.createInstance();
    await i18next.init({
      lng: 'en',
      interpolation: { escapeValue: false },
      resources: {
        en: {
          translation: {
            hi: 'Hi {{name}}',
            hi_male: 'Hello Mr {{name}}',
            items: '{{n, number}} items',
            nested: '$t(m_{{k}})',
            m_a: 'AAA',
            count_one: '{{count}} ticket of {{who}}',
            count_other: '{{count}} tickets of {{who}}',
          },
        },
      },
    });
    const t = i18next.getFixedT('en');
    const phrases = phrasesFor(i18next, 'en');
    const cases: [string, Record<string, unknown>][] = [
      ['hi', { name: 'Bob', context: 'male' }],
      ['missing', { n: 5, defaultValue: 'D {{n}}' }],
      ['items', { n: 1234 }],
      ['items', { n: 5 }],
      ['nested', { k: 'a' }],
      ['count', { count: 1, who: 'Ana' }],
      ['count', { count: 7, who: 'Ben' }],
    ];
    for (const [key, values] of cases) {
      // Twice: the second call takes what the first one kept.
      expect(phrases.format(key, values)).toBe(t(key, values));
      expect(phrases.format(key, values)).toBe(t(key, values));
    }
  });
});
