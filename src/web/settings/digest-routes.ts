import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { ConfigError, type DigestSettings } from '../../sla/config';
import { DIGEST_KINDS, nextFiring, type DigestKind } from '../../sla/digest/digest-schedule';
import { parseId } from '../../sla/strict-input';
import type { HostStaff } from '../../host/host-context';
import { asyncRoute } from '../async-route';
import { manifest } from '../../manifest';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import { addError, hasErrors, issuesToFieldErrors, type FieldErrors } from './form-errors';
import { formView } from './form-view';
import { rawList, readForm, text, type FormValues } from './form-values';
import { SETTINGS_BASE, staffOf } from './settings-index';

const BASE = `${SETTINGS_BASE}/digests`;
const SCHEDULE_FIELDS = [/^(dailyEnabled|dailySchedule|weeklyEnabled|weeklySchedule|weeklyExtraStaffIds)$/];
const SCHEDULE_LISTS = [/^weeklyExtraStaffIds$/];
const SEND_FIELDS = [/^(kind|staffIds|sendKey)$/];
const SEND_LISTS = [/^staffIds$/];
/** The form's key (a UUID); a request without one (a script) is keyed by its instant. */
const SEND_KEY = /^[0-9a-f-]{36}$/;

interface DigestPageState {
  status?: number;
  schedule?: { values: FormValues; errors: FieldErrors };
  send?: { values: FormValues; errors: FieldErrors };
  notice?: string | null;
  preview?: { kind: DigestKind; staffId: number } | null;
}

function scheduleToForm(d: DigestSettings): FormValues {
  return {
    dailyEnabled: d.daily.enabled ? '1' : '',
    dailySchedule: d.daily.schedule,
    weeklyEnabled: d.weekly.enabled ? '1' : '',
    weeklySchedule: d.weekly.schedule,
    weeklyExtraStaffIds: d.weekly.extraStaffIds.map(String),
  };
}

const staffName = (s: HostStaff): string => `${s.firstname} ${s.lastname}`.trim() || s.email;

/**
 * `/admin/sla_vigil/settings/digests` (Manage, checked by the admin router; forms carry the host's
 * CSRF token): the schedules, "send now" to chosen staff, a preview and the delivery log.
 */
export function createDigestRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services, host } = deps;

  async function render(res: Response, ctx: PageContext, state: DigestPageState): Promise<void> {
    const [stored, staff, log] = await Promise.all([
      services.config.load(),
      host.tickets.listStaff(),
      services.digestLog.recent(),
    ]);
    const digests = stored.settings.digests;
    const names = new Map(staff.map((s) => [s.id, staffName(s)]));
    const next = (kind: DigestKind) => ctx.fmt(nextFiring(digests[kind].schedule, ctx.zone, ctx.now));
    let previewHtml: string | null = null;
    const who = state.preview ? staff.find((s) => s.id === state.preview?.staffId) : undefined;
    if (state.preview && who && services.digests)
      previewHtml = (await services.digests.preview(state.preview.kind, who, ctx.now)).html;
    await renderModulePage(res, deps, ctx, {
      slug: 'settings',
      view: 'settings-digests',
      status: state.status,
      title: ctx.t('digests.page.title'),
      data: {
        base: SETTINGS_BASE,
        action: BASE,
        schedule: formView(state.schedule?.values ?? scheduleToForm(digests), state.schedule?.errors),
        send: formView(state.send?.values ?? { kind: 'daily' }, state.send?.errors),
        // One key per rendered form: a second submit of the same form (a double click, a reload)
        // sends nothing more.
        sendKey: randomUUID(),
        next: { daily: next('daily'), weekly: next('weekly') },
        staff: staff.filter((s) => s.active).map((s) => ({ id: s.id, name: staffName(s), email: s.email })),
        kinds: DIGEST_KINDS,
        notice: state.notice ?? null,
        preview: state.preview ?? null,
        previewHtml,
        log: log.map((row) => ({
          ...row,
          recipient:
            row.recipientStaffId === null
              ? (row.recipientEmail ?? '—')
              : (names.get(row.recipientStaffId) ?? `#${row.recipientStaffId}`),
          created: ctx.fmt(row.createdAt),
        })),
      },
    });
  }

  router.get(
    '/digests',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const kind = typeof req.query.preview === 'string' ? req.query.preview : '';
      const staffId = parseId(typeof req.query.staff === 'string' ? req.query.staff : '');
      const preview =
        (DIGEST_KINDS as readonly string[]).includes(kind) && staffId !== undefined
          ? { kind: kind as DigestKind, staffId }
          : null;
      const sent = typeof req.query.sent === 'string' ? Number(req.query.sent) : NaN;
      const notice =
        req.query.saved === '1'
          ? ctx.t('digests.page.saved')
          : Number.isInteger(sent)
            ? ctx.t('digests.page.sent', { count: sent })
            : null;
      await render(res, ctx, { preview, notice });
    }),
  );

  router.post(
    '/digests',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const values = readForm(req.body, SCHEDULE_FIELDS, SCHEDULE_LISTS);
      const errors: FieldErrors = {};
      const extra = rawList(values, 'weeklyExtraStaffIds');
      const staffIds = new Set((await host.tickets.listStaff()).map((s) => s.id));
      const unknown = extra.filter((v) => !staffIds.has(parseId(v) ?? -1));
      if (unknown.length)
        addError(
          errors,
          'weeklyExtraStaffIds',
          ctx.t('digests.page.errors.staff', { value: unknown.join(', ') }),
        );
      if (!hasErrors(errors)) {
        try {
          await services.config.saveDigestSettings(
            {
              daily: {
                enabled: text(values, 'dailyEnabled') === '1',
                schedule: text(values, 'dailySchedule'),
              },
              weekly: {
                enabled: text(values, 'weeklyEnabled') === '1',
                schedule: text(values, 'weeklySchedule'),
                extraStaffIds: extra.map((v) => parseId(v) as number),
              },
            },
            staffOf(res),
          );
          res.redirect(303, `${BASE}?saved=1`);
          return;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          Object.assign(
            errors,
            issuesToFieldErrors(
              err.issues,
              [
                [/^digests\.daily\.schedule/, () => 'dailySchedule'],
                [/^digests\.weekly\.schedule/, () => 'weeklySchedule'],
                [/^digests\.weekly\.extraStaffIds/, () => 'weeklyExtraStaffIds'],
              ],
              ctx.t,
            ),
          );
        }
      }
      await render(res, ctx, { status: 422, schedule: { values, errors } });
    }),
  );

  router.post(
    '/digests/send',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const values = readForm(req.body, SEND_FIELDS, SEND_LISTS);
      const errors: FieldErrors = {};
      const kind = text(values, 'kind');
      if (!(DIGEST_KINDS as readonly string[]).includes(kind))
        addError(errors, 'kind', ctx.t('digests.page.errors.kind'));
      const chosen = rawList(values, 'staffIds');
      const staff = await host.tickets.listStaff();
      const known = new Set(staff.filter((s) => s.active).map((s) => s.id));
      const unknown = chosen.filter((v) => !known.has(parseId(v) ?? -1));
      if (chosen.length === 0) addError(errors, 'staffIds', ctx.t('digests.page.errors.no_staff'));
      else if (unknown.length)
        addError(errors, 'staffIds', ctx.t('digests.page.errors.staff', { value: unknown.join(', ') }));
      else {
        // A digest shows what its recipient may see: the daily needs View, the weekly (every
        // department's compliance, the worst agents) Manage.
        const capability = kind === 'weekly' ? 'manage' : 'view';
        const denied: string[] = [];
        for (const s of staff.filter((m) => chosen.includes(String(m.id))))
          if (!(await host.permissions.can(s.id, manifest.permissions.feature, capability)))
            denied.push(`${s.firstname} ${s.lastname}`.trim());
        if (denied.length)
          addError(errors, 'staffIds', ctx.t('digests.page.errors.no_access', { value: denied.join(', ') }));
      }
      if (hasErrors(errors) || !services.digests) {
        await render(res, ctx, { status: 422, send: { values, errors } });
        return;
      }
      const ids = chosen.map((v) => parseId(v) as number);
      const sendKey = text(values, 'sendKey');
      const count = await services.digests.sendNow(
        kind as DigestKind,
        ids,
        ctx.now,
        SEND_KEY.test(sendKey) ? sendKey : undefined,
      );
      await services.audit.write({
        action: 'digest.send_now',
        staffId: staffOf(res),
        details: { kind, staffIds: ids, queued: count },
      });
      res.redirect(303, `${BASE}?sent=${count}`);
    }),
  );
  return router;
}
