import { readSiteUrl } from '../../src/host/perfex/perfex-site-url';

describe('readSiteUrl: the base the Perfex module writes, as email links use it', () => {
  it.each([
    ['https://crm.example.com/', 'https://crm.example.com'],
    ['https://example.com/crm', 'https://example.com/crm'],
    ['http://10.0.0.5:8080/perfex//', 'http://10.0.0.5:8080/perfex'],
    [' https://crm.example.com ', 'https://crm.example.com'],
  ])('%j reads as %j', (value, expected) => {
    expect(readSiteUrl(value)).toBe(expected);
  });

  it.each([
    null,
    '',
    'crm.example.com',
    'javascript:alert(1)',
    'ftp://x.test',
    'https://u:p@x.test',
    'https://x.test/?a=1',
    'https://x.test/#a',
  ])('%j is not used (the fallback stays)', (value) => {
    expect(readSiteUrl(value)).toBeNull();
  });
});
