import { withoutBom } from './strict-input';

/**
 * JSON as people and scripts write it, read strictly: `JSON.parse` keeps the last of two equal
 * keys in one object and drops the other without a word; a document that says a thing twice is
 * refused instead, naming the key, so nothing typed is silently lost.
 */

export const DUPLICATE_KEY_MESSAGE = 'appears more than once in the same object';

/** A key written twice in one JSON object; `path` is the document path (`policies[0].name`). */
export class DuplicateKeyError extends Error {
  readonly status = 422;
  readonly code = 'duplicate_key';
  constructor(readonly path: string) {
    super(`${path}: ${DUPLICATE_KEY_MESSAGE}`);
  }
}

class Malformed extends Error {}

/**
 * The path of the first key that appears twice in one object, or null. Malformed JSON is null
 * too: the parser that follows reports it with its position.
 */
export function findDuplicateKey(text: string): string | null {
  let i = 0;
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): string | null => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      space();
      if (text[i] === '}') return (i++, null);
      for (;;) {
        space();
        if (text[i] !== '"') throw new Malformed();
        const key = string();
        const at = path ? `${path}.${key}` : key;
        if (keys.has(key)) return at;
        keys.add(key);
        space();
        if (text[i++] !== ':') throw new Malformed();
        const found = value(at);
        if (found !== null) return found;
        space();
        const next = text[i++];
        if (next === '}') return null;
        if (next !== ',') throw new Malformed();
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') return (i++, null);
      for (let index = 0; ; index++) {
        const found = value(`${path}[${index}]`);
        if (found !== null) return found;
        space();
        const next = text[i++];
        if (next === ']') return null;
        if (next !== ',') throw new Malformed();
      }
    }
    if (c === '"') {
      string();
      return null;
    }
    if (i >= text.length) throw new Malformed();
    while (i < text.length && !',]}: \t\n\r'.includes(text[i])) i++;
    return null;
  };
  try {
    return value('');
  } catch {
    // Malformed or too deep to walk: JSON.parse has the last word.
    return null;
  }
}

/** Parses a JSON document (a leading UTF-8 byte order mark allowed); a repeated key throws DuplicateKeyError. */
export function parseStrictJson(text: string): unknown {
  const body = withoutBom(text);
  const parsed: unknown = JSON.parse(body);
  const duplicate = findDuplicateKey(body);
  if (duplicate !== null) throw new DuplicateKeyError(duplicate || '(document)');
  return parsed;
}

/** express.json's `verify`: refuses a body that repeats a key (answered 422 by the router). */
export function jsonWithoutDuplicateKeys(_req: unknown, _res: unknown, buf: Buffer, encoding: string): void {
  const duplicate = findDuplicateKey(withoutBom(buf.toString((encoding || 'utf8') as BufferEncoding)));
  if (duplicate !== null) throw new DuplicateKeyError(duplicate);
}
