import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(__dirname, '../../locales');

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('locales', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const english = keys(JSON.parse(fs.readFileSync(path.join(dir, 'en.json'), 'utf8'))).sort();

  it.each(files)('%s has exactly the keys of en.json', (file) => {
    expect(keys(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))).sort()).toEqual(english);
  });

  it('every key a module view uses exists', () => {
    const views = path.resolve(__dirname, '../../views');
    const used = new Set<string>();
    const walk = (d: string): void => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, entry.name);
        if (entry.isDirectory()) walk(full);
        else
          for (const m of fs.readFileSync(full, 'utf8').matchAll(/\bt\('([a-z_]+\.[a-z_.]+)'/g))
            used.add(m[1]);
      }
    };
    walk(views);
    expect([...used].filter((k) => !english.includes(k))).toEqual([]);
  });
});
