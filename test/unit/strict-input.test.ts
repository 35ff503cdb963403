import {
  hasUnstorableCharacters,
  MAX_ID,
  parseId,
  parseInstant,
  parseYear,
  withoutBom,
} from '../../src/sla/strict-input';
import { DuplicateKeyError, findDuplicateKey, parseStrictJson } from '../../src/sla/strict-json';

describe('parseId', () => {
  it.each(['1', '42', '301', String(MAX_ID)])('reads %j', (text) => {
    expect(parseId(text)).toBe(Number(text));
  });
  it.each([
    '0x12d',
    '1e2',
    '+301',
    '0',
    '-1',
    '4294967296',
    String(MAX_ID + 1),
    ' 12',
    '12 ',
    '012',
    '1.0',
    '',
    '١٢',
  ])('refuses %j', (text) => {
    expect(parseId(text)).toBeUndefined();
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-03-09T08:00:00Z', '2026-03-09T08:00:00.000Z'],
    ['2026-03-09T08:00Z', '2026-03-09T08:00:00.000Z'],
    ['2026-03-09T09:00:00+01:00', '2026-03-09T08:00:00.000Z'],
    ['2026-03-09T03:00-05:00', '2026-03-09T08:00:00.000Z'],
    ['2026-03-09T08:00:00.250Z', '2026-03-09T08:00:00.250Z'],
  ])('reads %j', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });
  it.each([
    '2026-02-30T08:00:00Z',
    '2026-13-01T08:00:00Z',
    '2026-03-09T25:00:00Z',
    '2026-03-09',
    '2026-03-09T08:00:00',
    'March 3',
    '1772611200',
    '1772611200000',
    ' 2026-03-09T08:00:00Z',
    '2026-03-09 08:00:00Z',
    '2026-03-09T08:00+99:00',
    '2026-03-09T08:00:00-19:00',
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe('parseYear', () => {
  it.each([1970, 2026, 2100, '2026'])('reads %j', (value) => {
    expect(parseYear(value)).toBe(Number(value));
  });
  it.each([1969, 2101, 0, '1e3', '+2026', 2026.5, '', null])('refuses %j', (value) => {
    expect(parseYear(value)).toBeUndefined();
  });
});

describe('names and byte order marks', () => {
  it.each(['a\u0000b', 'x\uD800', '\uDC00x', 'a\uDBFFb'])('%j cannot be stored', (text) => {
    expect(hasUnstorableCharacters(text)).toBe(true);
  });
  it.each(['Office', 'Büro 🙂', 'Oficina — España'])('%j can', (text) => {
    expect(hasUnstorableCharacters(text)).toBe(false);
  });
  it('drops one leading BOM only', () => {
    expect(withoutBom('\uFEFF{}')).toBe('{}');
    expect(withoutBom('{}')).toBe('{}');
  });
});

describe('strict JSON', () => {
  it('finds a key written twice, with its path', () => {
    expect(findDuplicateKey('{"a": 1, "a": 2}')).toBe('a');
    expect(findDuplicateKey('{"policies": [{"key": "x"}, {"key": "y", "name": "n", "name": "m"}]}')).toBe(
      'policies[1].name',
    );
    expect(findDuplicateKey('{"a": {"b": 1}, "c": {"b": 2}}')).toBeNull();
    expect(findDuplicateKey('{"a\\"": 1, "a": "\\"}"}')).toBeNull();
    expect(findDuplicateKey('[1, 2, {"k": [true, null, "x"]}]')).toBeNull();
  });

  it('parses a document with a BOM, refuses duplicates, leaves malformed JSON to JSON.parse', () => {
    expect(parseStrictJson('\uFEFF{"a": [1]}')).toEqual({ a: [1] });
    expect(() => parseStrictJson('{"s": {"x": 1, "x": 1}}')).toThrow(DuplicateKeyError);
    expect(() => parseStrictJson('{"s": {"x": 1, "x": 1}}')).toThrow(/^s\.x: appears more than once/);
    expect(() => parseStrictJson('{ nope')).toThrow(SyntaxError);
  });
});
