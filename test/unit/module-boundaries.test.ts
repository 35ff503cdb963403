import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every module specifier a file imports, statically or lazily. */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)'([^']+)'/g))
    found.push(m[1]);
  return found;
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
  return target === folder || target.startsWith(`${folder}${path.sep}`);
}

describe('module boundaries', () => {
  it('nothing in src/ imports devhost/ (the devhost has its own entry)', () => {
    const offenders = sources('src').flatMap((f) =>
      imports(f)
        .filter((s) => resolvesInto(f, s, 'devhost'))
        .map((s) => `${f}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the pure domain src/sla/ imports nothing from src/host/ (host facts are passed in)', () => {
    const offenders = sources('src/sla').flatMap((f) =>
      imports(f)
        .filter((s) => resolvesInto(f, s, path.join('src', 'host')))
        .map((s) => `${f}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });
});
