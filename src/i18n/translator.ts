import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { MODULE_ROOT, manifest } from '../manifest';

/** One i18next instance per activation, loaded synchronously from locales/*.json. */
export function createTranslator(): i18n {
  const dir = path.join(MODULE_ROOT, manifest.locales);
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    resources[path.basename(file, '.json')] = {
      translation: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')),
    };
  }
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    fallbackLng: 'en',
    initAsync: false,
    interpolation: { escapeValue: false },
  });
  return instance;
}

export function translatorFor(instance: i18n, lang: string): TFunction {
  return instance.getFixedT(lang);
}
