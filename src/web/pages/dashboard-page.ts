import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { WebDeps } from '../web-deps';
import { pageContext, type PageContext } from '../web-deps';
import { renderModulePage } from '../module-page';
import { asyncRoute } from '../async-route';
import { loadNames, type NameBook } from '../view-helpers';
import { ACTIVITY_KINDS, type RankedId } from '../../store/read/dashboard-service';
import type { DayPoint } from '../../store/read/local-day-series';
import { renderTrendChart } from '../svg-trend-chart';
import { describeActivity } from '../dashboard-activity';
import { queryFieldErrors } from '../query-errors';
import { STATE_COLORS } from '../state-badge';
import { leadsSection } from '../dashboard-leads';
import { leadForecastView, ticketForecastView } from '../dashboard-forecast';

export const PERIODS = ['7', '30', '90'] as const;
export const TREND_RANGES = ['30', '90'] as const;

/** Lines per page of the activity timeline. */
export const ACTIVITY_PAGE_SIZE = 20;
/** The deepest activity page: each page reads every line before it, and nobody pages further. */
export const MAX_ACTIVITY_PAGE = 100;

/**
 * The dashboard's query string: the scorecard period, the trend range, and the activity
 * timeline's kind filter and page; nothing else.
 */
const DashboardQuery = z.strictObject({
  period: z.enum(PERIODS).default('30'),
  trend: z.enum(TREND_RANGES).default('30'),
  activity: z.enum(ACTIVITY_KINDS).optional(),
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_ACTIVITY_PAGE))
    .default(1),
});
type DashboardQuery = z.infer<typeof DashboardQuery>;

/** `/admin/sla_vigil`: the manager's one page (scorecard, who is behind, what happened, trend). */
export function createDashboardPage(deps: WebDeps): Router {
  const router = Router();
  const { host } = deps;
  const dashboard = deps.services.dashboard;
  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const parsed = DashboardQuery.safeParse(req.query);
      // A bad value re-renders with the defaults, a 422 and the message at the offending field.
      const query = parsed.success ? parsed.data : DashboardQuery.parse({});
      const errors = parsed.success ? {} : queryFieldErrors(parsed.error, ctx.t, 'dashboard.invalid_param');
      const periodDays = Number(query.period);
      const trendDays = Number(query.trend);
      // The viewer's tickets only (the host's access rule; manage sees all).
      const numbers = dashboard.scopedTo(ctx.departments);
      const forecasts = deps.services.forecast.scopedTo(ctx.departments);
      const [scorecard, departments, agents, activity, trend, setup, names, beats, leads, ticketForecast] =
        await Promise.all([
          numbers.scorecard(ctx.now, ctx.zone, periodDays),
          numbers.topBreachingDepartments(ctx.now, ctx.zone, periodDays),
          numbers.topOverdueAgents(ctx.now),
          numbers.activityPage(ctx.now, {
            kinds: query.activity ? [query.activity] : undefined,
            page: query.page,
            pageSize: ACTIVITY_PAGE_SIZE,
          }),
          numbers.trend(ctx.now, ctx.zone, trendDays),
          dashboard.setupStatus(),
          loadNames(host.tickets),
          deps.services.heartbeats.all(),
          leadsSection(
            host.leads,
            deps.services.leadDashboard,
            ctx.now,
            ctx.zone,
            periodDays,
            ctx.t('dashboard.leads.none'),
          ),
          forecasts.tickets(ctx.now),
        ]);
      // The leads' trend over the same range as the tickets', only where the section shows.
      const leadTrend = leads
        ? trendView(await dashboard.trend(ctx.now, ctx.zone, trendDays, 'lead'), ctx, 'sv-leads-trend')
        : null;
      const leadForecast = leads
        ? leadForecastView(await forecasts.leads(ctx.now), (id) => agentName(names, id, ctx))
        : null;
      // One batch lookup for every ticket the activity names.
      const ticketIds = [
        ...new Set(activity.items.flatMap((a) => (a.kind === 'config' ? [] : [a.subjectId]))),
      ];
      const subjects = new Map((await host.tickets.getTickets(ticketIds)).map((tk) => [tk.id, tk.subject]));
      await renderModulePage(res, deps, ctx, {
        slug: 'dashboard',
        view: 'dashboard',
        title: ctx.t('dashboard.title'),
        status: parsed.success ? 200 : 422,
        data: {
          query,
          errors,
          periods: PERIODS,
          trendRanges: TREND_RANGES,
          scorecard,
          percent: percentFormatter(ctx.lang),
          departments: ranked(
            departments,
            (id) => names.department.get(String(id)) ?? `#${id}`,
            (id) => monitorHref({ department: id }),
          ),
          agents: ranked(
            agents,
            (id) => agentName(names, id, ctx),
            (id) => monitorHref({ agent: id, state: 'breached' }),
          ),
          activity: activity.items.map((a) => describeActivity(a, ctx.t, names, subjects, ctx.canManage)),
          activityNav: activityNav(query, activity.hasMore),
          trendDays,
          trend: trendView(trend, ctx),
          setup: { ...setup, show: setup.calendars === 0 || setup.policies === 0 },
          lastScan: beats.get('scan_finished')?.at ?? null,
          monitorHref,
          colors: STATE_COLORS,
          leads,
          leadTrend,
          forecast: ticketForecastView(
            ticketForecast,
            (id) => names.department.get(String(id)) ?? `#${id}`,
            (id) => agentName(names, id, ctx),
          ),
          leadForecast,
          minutes: minutesFormatter(ctx.lang),
        },
      });
    }),
  );
  return router;
}

/**
 * The timeline's filter and page links: they keep the period and trend the viewer chose, and
 * land on the timeline (#sv-activity-heading) rather than the top of the page.
 */
function activityNav(query: DashboardQuery, hasMore: boolean) {
  const href = (changes: { activity?: string; page?: number }): string => {
    const next = {
      period: query.period,
      trend: query.trend,
      activity: query.activity,
      page: query.page,
      ...changes,
    };
    const params = new URLSearchParams({ period: next.period, trend: next.trend });
    if (next.activity) params.set('activity', next.activity);
    if (next.page && next.page > 1) params.set('page', String(next.page));
    return `/admin/sla_vigil?${params}#sv-activity-heading`;
  };
  return {
    page: query.page,
    filter: query.activity ?? null,
    // One link per kind and one for all; a new filter starts again at page 1.
    filters: [null, ...ACTIVITY_KINDS].map((kind) => ({
      kind: kind ?? 'all',
      labelKey: `dashboard.activity.filter_${kind ?? 'all'}`,
      current: (query.activity ?? null) === kind,
      href: href({ activity: kind ?? undefined, page: 1 }),
    })),
    previous: query.page > 1 ? href({ page: query.page - 1 }) : null,
    next: hasMore && query.page < MAX_ACTIVITY_PAGE ? href({ page: query.page + 1 }) : null,
  };
}

/** A link into the monitor with these filters. */
export function monitorHref(filters: Record<string, string | number>): string {
  return `/admin/sla_vigil/monitor?${new URLSearchParams(Object.entries(filters).map(([k, v]): [string, string] => [k, String(v)]))}`;
}

function ranked(rows: RankedId[], name: (id: number) => string, href: (id: number) => string) {
  return rows.map((r) => ({ ...r, name: name(r.id), href: href(r.id) }));
}

function agentName(names: NameBook, id: number, ctx: PageContext): string {
  return id === 0 ? ctx.t('dashboard.unassigned') : (names.staff.get(String(id)) ?? `#${id}`);
}

function percentFormatter(lang: string): (value: number | null) => string {
  const format = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return (value) => (value === null ? '—' : `${format.format(value)} %`);
}

/** Minutes to first action, one decimal at most (a mean of whole minutes is often fractional). */
function minutesFormatter(lang: string): (value: number) => string {
  const format = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return (value) => format.format(value);
}

/** The chart (inline SVG) and the same numbers as table rows, days in the viewer's language. */
function trendView(points: DayPoint[], ctx: PageContext, id = 'sv-trend') {
  const percent = percentFormatter(ctx.lang);
  const rows = points.map((p) => {
    const date = DateTime.fromISO(p.day, { zone: ctx.zone }).setLocale(ctx.lang);
    const long = date.toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY);
    const label =
      p.compliance === null
        ? ctx.t('dashboard.trend.day_label_none', { date: long, count: p.breaches })
        : ctx.t('dashboard.trend.day_label', {
            date: long,
            percent: percent(p.compliance),
            onTime: p.onTime,
            finished: p.finished,
            count: p.breaches,
          });
    // A day with nothing finished has no share at all: "no data", never 0 %.
    const percentText = p.compliance === null ? ctx.t('dashboard.trend.no_data') : percent(p.compliance);
    return { ...p, date: long, tick: date.toFormat('d LLL'), label, percentText };
  });
  const svg = renderTrendChart(
    rows.map((r) => ({
      day: r.day,
      compliance: r.compliance,
      breaches: r.breaches,
      tick: r.tick,
      label: r.label,
    })),
    {
      title: ctx.t('dashboard.trend.title', { count: points.length }),
      description: ctx.t('dashboard.trend.description', { zone: ctx.zone }),
      axes: {
        left: ctx.t('dashboard.trend.compliance'),
        right: ctx.t('dashboard.trend.breaches'),
        bottom: ctx.t('dashboard.trend.axis_days', { zone: ctx.zone }),
      },
      noData: ctx.t('dashboard.trend.no_data'),
    },
    id,
  );
  return { svg, rows };
}
