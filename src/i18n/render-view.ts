import path from 'node:path';
import ejs from 'ejs';
import { MODULE_ROOT, manifest } from '../manifest';

const VIEWS = path.join(MODULE_ROOT, manifest.views);

/**
 * Renders a module template to HTML; EJS `<%= %>` escapes every value. Compiled templates are
 * cached (a scan renders an email per escalation); NODE_ENV=development re-reads them on edit.
 */
export function renderView(name: string, data: Record<string, unknown>): Promise<string> {
  return ejs.renderFile(path.join(VIEWS, `${name}.ejs`), data, {
    async: false,
    cache: process.env.NODE_ENV !== 'development',
  });
}
