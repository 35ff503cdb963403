import { escapeHtml } from '../../src/web/escape-html';
import { isAdminBase, rebaseHtml, rebasePath } from '../../src/host/bridge/admin-base';

describe('the admin base PHP sends', () => {
  it.each(['/admin/', '/crm/admin/', '/', '/my%20crm/admin/', '/a.b/c~d_e-f/'])('accepts %j', (base) => {
    expect(isAdminBase(base)).toBe(true);
  });
  it.each([
    '',
    'admin/',
    '/admin',
    '//evil.example/',
    'https://evil.example/admin/',
    '/crm/../admin/',
    '/crm/./admin/',
    '/crm/%2E%2e/admin/',
    '/crm//admin/',
    '/a b/',
    '/a"b/',
    "/a'b/",
    '/a<b/',
    '/a&b/',
    '/a%zz/',
    '/a?b/',
    '/a#b/',
  ])('refuses %j', (base) => {
    expect(isAdminBase(base)).toBe(false);
  });
});

describe('rebasing what the module rendered under /admin/', () => {
  it('moves attribute values and redirect targets, nothing else', () => {
    const html =
      '<link rel="stylesheet" href="/admin/sla_vigil/assets/a.css"><form method="get" action="/admin/sla_vigil">' +
      '<a href=\'/admin/tickets/ticket/3\'>/admin/tickets/ticket/3</a><img src="https://cdn.example/admin/x.png"></form>';
    expect(rebaseHtml(html, '/crm/admin/')).toBe(
      '<link rel="stylesheet" href="/crm/admin/sla_vigil/assets/a.css"><form method="get" action="/crm/admin/sla_vigil">' +
        '<a href=\'/crm/admin/tickets/ticket/3\'>/admin/tickets/ticket/3</a><img src="https://cdn.example/admin/x.png"></form>',
    );
    expect(rebasePath('/admin/sla_vigil/settings?saved=1#general', '/crm/admin/')).toBe(
      '/crm/admin/sla_vigil/settings?saved=1#general',
    );
    expect(rebasePath('https://evil.example/admin/x', '/crm/admin/')).toBe('https://evil.example/admin/x');
  });

  it('leaves a ticket text that imitates an attribute alone (its quotes are escaped)', () => {
    const subject = `x" href="/admin/evil' src='/admin/evil`;
    const html = `<td title="${escapeHtml(subject)}">${escapeHtml(subject)}</td>`;
    expect(rebaseHtml(html, '/crm/admin/')).toBe(html);
  });
});
