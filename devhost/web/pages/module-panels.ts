import type { Devhost } from '../../devhost';

/** A module's tab on a ticket or lead view, as the page shows it. */
export interface ModulePanelView {
  key: string;
  title: string;
  html: string;
}

/**
 * Module tabs on a view page: `render` gives a panel's HTML or null for no tab. A module that
 * fails shows a note in its tab instead of breaking the page; `failure` names the row in the log.
 */
export async function renderModulePanels<P extends { key: string; title: string }>(
  devhost: Devhost,
  panels: Iterable<P>,
  render: (panel: P) => Promise<string | null>,
  failure: { message: string; context: Record<string, unknown> },
): Promise<ModulePanelView[]> {
  const rendered = await Promise.all(
    [...panels].map(async (panel) => {
      try {
        const html = await render(panel);
        return html === null ? null : { key: panel.key, title: panel.title, html };
      } catch (err) {
        devhost.host.logger.error({ err, panel: panel.key, ...failure.context }, failure.message);
        return {
          key: panel.key,
          title: panel.title,
          html: '<p class="muted">This panel could not be loaded.</p>',
        };
      }
    }),
  );
  return rendered.filter((p): p is ModulePanelView => p !== null);
}
