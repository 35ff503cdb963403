import fs from 'node:fs';
import path from 'node:path';

/**
 * README.md and the pages under docs/ link only to files inside the repository (which exist):
 * a reader of a clone, or of the repository on a forge, cannot follow a link to `../shared/…`
 * or to a path on someone's machine.
 */

const ROOT = path.resolve(__dirname, '../..');
const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);

/** Inline `[text](target)` and reference `[label]: target` links, code spans left out. */
function linkTargets(markdown: string): string[] {
  const prose = markdown
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, (span) => (span.includes('](') ? '' : span));
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const reference = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...reference];
}

const isWeb = (target: string) => /^(https?:|mailto:)/i.test(target);

describe.each(DOCS)('%s', (file) => {
  const targets = linkTargets(fs.readFileSync(path.join(ROOT, file), 'utf8'));

  it('has links to check', () => {
    expect(targets.length).toBeGreaterThan(0);
  });

  it('links to no file outside the repository, and to none that is missing', () => {
    const outside: string[] = [];
    const missing: string[] = [];
    for (const target of targets.filter((t) => !isWeb(t) && !t.startsWith('#'))) {
      const filePart = decodeURIComponent(target.split('#')[0]);
      const resolved = path.resolve(path.dirname(path.join(ROOT, file)), filePart);
      const absolute = /^(\/|[a-z]:[\\/]|file:)/i.test(filePart);
      const leaves = path.relative(ROOT, resolved).startsWith('..');
      if (absolute || leaves || (file === 'README.md' && filePart.startsWith('../'))) outside.push(target);
      else if (!fs.existsSync(resolved)) missing.push(target);
    }
    expect({ outside, missing }).toEqual({ outside: [], missing: [] });
  });
});

describe('linkTargets', () => {
  it('finds inline and reference links, but not ones shown as code', () => {
    const md =
      'See [a](../shared/A.md) and [b](docs/b.md#x "t").\n\n[c]: /etc/passwd\n\n```\n[d](../d.md)\n```';
    expect(linkTargets(md)).toEqual(['../shared/A.md', 'docs/b.md#x', '/etc/passwd']);
  });
});
