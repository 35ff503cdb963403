import type { Response } from 'express';
import type { i18n, TFunction } from 'i18next';
import type { AdminLocals, HostContext } from '../host/host-context';
import type { ModuleServices } from '../wiring/module-services';
import { manifest } from '../manifest';
import { translatorFor } from '../i18n/translator';
import { timeFormatter } from './view-helpers';
import { dateTimeFormatter } from '../i18n/format-date';
import { scopeDepartments, viewerTicketScope } from './ticket-scope';
import { perfexTicketPath, perfexLeadPath } from '../host/perfex/perfex-urls';

/** What every module page needs: the host, the module's services and the locale files. */
export interface WebDeps {
  host: HostContext;
  services: ModuleServices;
  translator: i18n;
}

/** The viewer: who they are, their language, what they may do, and how times are shown. */
export interface PageContext {
  staffId: number;
  csrfToken: string;
  /** The field name forms post `csrfToken` under (the host's; `_csrf` in the devhost). */
  csrfField: string;
  lang: string;
  t: TFunction;
  /** IANA zone module pages show times in (the host's `default_timezone`). */
  zone: string;
  /** Times as people read them: the viewer's language's one date format (src/i18n/format-date.ts). */
  fmt: (date: Date | string) => string;
  /** Times in CSV files: one sortable shape for spreadsheets, whatever the language. */
  csvTime: (date: Date | string) => string;
  canManage: boolean;
  /** Only tickets of these departments (the host's own access rule); undefined: every ticket. */
  departments: readonly number[] | undefined;
  now: Date;
  /** Where the host's admin shows a ticket: views link tickets through it, never a literal path. */
  ticketUrl: (ticketId: number | string) => string;
  /** Where the host's admin shows a lead. */
  leadUrl: (leadId: number | string) => string;
}

export async function pageContext(res: Response, deps: WebDeps): Promise<PageContext> {
  const locals = res.locals as AdminLocals;
  const canManage = await deps.host.permissions.can(locals.staffId, manifest.permissions.feature, 'manage');
  const scope = await viewerTicketScope(deps.host.permissions, locals.staffId, canManage);
  const now = deps.host.clock.now();
  return {
    staffId: locals.staffId,
    csrfToken: locals.csrfToken,
    csrfField: locals.csrfField ?? '_csrf',
    lang: locals.language,
    t: translatorFor(deps.translator, locals.language),
    zone: deps.host.timezone,
    fmt: dateTimeFormatter(locals.language, deps.host.timezone, now),
    csvTime: timeFormatter(deps.host.timezone),
    canManage,
    departments: scopeDepartments(scope),
    now,
    ticketUrl: perfexTicketPath,
    leadUrl: perfexLeadPath,
  };
}
