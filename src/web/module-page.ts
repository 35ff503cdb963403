import type { Response } from 'express';
import { judgeScanHealth, secondsUntil } from '../scan/scan-health';
import type { PageContext, WebDeps } from './web-deps';
import { renderView } from '../i18n/render-view';
import { stateBadge } from './state-badge';
import { withCode } from './code-spans';

/** The module's pages, in sub-navigation order, with the capability each needs. */
export const MODULE_PAGES = [
  { slug: 'dashboard', href: '/admin/sla_vigil', capability: 'view' },
  { slug: 'monitor', href: '/admin/sla_vigil/monitor', capability: 'view' },
  { slug: 'reports', href: '/admin/sla_vigil/reports', capability: 'view' },
  { slug: 'settings', href: '/admin/sla_vigil/settings', capability: 'manage' },
  { slug: 'rule_tester', href: '/admin/sla_vigil/rule-tester', capability: 'manage' },
  { slug: 'audit', href: '/admin/sla_vigil/audit', capability: 'manage' },
] as const;
export type ModulePageSlug = (typeof MODULE_PAGES)[number]['slug'];

export interface ModulePage {
  /** Which sub-navigation entry is current. */
  slug: ModulePageSlug;
  /** A template under views/pages/. */
  view: string;
  data: Record<string, unknown>;
  status?: number;
  /** Overrides the page title (default: `nav.<slug>`). */
  title?: string;
}

/**
 * Renders a module page inside the host's admin layout, with the module's sub-navigation (only
 * the pages this person may open), its stylesheet and script, and the scan-health banner.
 */
export async function renderModulePage(
  res: Response,
  deps: WebDeps,
  ctx: PageContext,
  page: ModulePage,
): Promise<void> {
  // The cached policy book carries the settings: no full configuration read on every page view.
  const [beats, book] = await Promise.all([
    deps.services.heartbeats.all(),
    deps.services.clocks.policyBook(),
  ]);
  // Judged by the last finished scan, not the last cron tick: the banner names the cause. A host
  // that runs its own cron (the devhost) says when it started: its first minute is no alarm.
  const scanHealth = judgeScanHealth(
    beats,
    ctx.now,
    book.settings.scanIntervalMinutes * 60_000,
    deps.host.cron?.schedule() ?? null,
  );
  const firstScanIn = scanHealth.firstTickAt ? secondsUntil(scanHealth.firstTickAt, ctx.now) : null;
  const body = await renderView(`pages/${page.view}`, {
    ...ctx,
    stateBadge,
    withCode,
    scanHealth,
    firstScanIn,
    ...page.data,
  });
  const frame = await renderView('partials/module-frame', {
    ...ctx,
    withCode,
    body,
    current: page.slug,
    pages: MODULE_PAGES.filter((p) => p.capability === 'view' || ctx.canManage),
    scanHealth,
    firstScanIn,
  });
  deps.host.admin.renderPage(res, {
    title: page.title ?? ctx.t(`nav.${page.slug}`),
    bodyHtml: frame,
    status: page.status,
  });
}
