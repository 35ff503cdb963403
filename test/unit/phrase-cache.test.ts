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
