import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { parseInput } from '../../validation-error';
import { leadLookups } from './lead-lookups';
import { getLeadWithNames } from './lead-query';
import {
  blank,
  csrfField,
  errorStatus,
  flashRedirect,
  idParam,
  isValidationError,
  notFound,
  pageLocals,
  readableErrors,
  renderPage,
  type FieldError,
} from './page-kit';

const text = z.string().optional();
const ProfileForm = z
  .object({
    ...csrfField,
    name: text,
    company: text,
    email: text,
    phonenumber: text,
    country: text,
    status: text,
    source: text,
    assigned: text,
    lead_value: text,
  })
  .strict();
const required = z.string({ message: 'is required' }).trim().min(1, 'is required');
const StatusForm = z.object({ ...csrfField, status: required }).strict();
const AssignForm = z.object({ ...csrfField, assigned: required }).strict();
const ActionForm = z.object({ ...csrfField }).strict();

type Tab = 'profile' | 'activity';

export interface LeadPanelView {
  key: string;
  title: string;
  html: string;
}

interface ActivityRow {
  id: number;
  description: string;
  additional_data: string | null;
  date: string;
  full_name: string | null;
}

/** `/admin/leads/lead/:id`: one lead, its activity log, and what staff do with it. */
export function createLeadViewRouter(devhost: Devhost): Router {
  const router = Router();
  const leadUrl = (id: number) => `/admin/leads/lead/${id}`;
  const leadId = (req: Request) => idParam(req, 'id');

  router.get('/lead/:id', async (req, res) => {
    await renderLead(devhost, res, leadId(req), { tab: 'profile', errors: [], values: {} });
  });

  router.post('/lead/:id/edit', async (req, res) => {
    const id = leadId(req);
    await attempt(devhost, req, res, id, async () => {
      const form = parseInput(ProfileForm, req.body);
      const changed = await devhost.leads.update(
        id,
        {
          name: form.name,
          company: form.company?.trim() ?? undefined,
          email: blank(form.email?.trim()),
          phonenumber: form.phonenumber?.trim() ?? undefined,
          country: blank(form.country),
          status: blank(form.status),
          source: blank(form.source),
          assigned: blank(form.assigned),
          lead_value: blank(form.lead_value?.trim()),
        },
        pageLocals(res).staffId,
      );
      flashRedirect(
        req,
        res,
        changed.length ? 'success' : 'info',
        changed.length ? 'Lead saved' : 'Nothing changed',
        leadUrl(id),
      );
    });
  });

  router.post('/lead/:id/status', async (req, res) => {
    const id = leadId(req);
    await attempt(devhost, req, res, id, async () => {
      const form = parseInput(StatusForm, req.body);
      // The status select in the lead's header is part of Perfex's edit form, not the kanban.
      const changed = await devhost.leads.update(id, { status: form.status }, pageLocals(res).staffId);
      flashRedirect(
        req,
        res,
        changed.length ? 'success' : 'info',
        changed.length ? 'Status changed' : 'Nothing changed',
        leadUrl(id),
      );
    });
  });

  router.post('/lead/:id/assign', async (req, res) => {
    const id = leadId(req);
    await attempt(devhost, req, res, id, async () => {
      const form = parseInput(AssignForm, req.body);
      const changed = await devhost.leads.update(id, { assigned: form.assigned }, pageLocals(res).staffId);
      flashRedirect(
        req,
        res,
        changed.length ? 'success' : 'info',
        changed.length ? 'Lead assigned' : 'Nothing changed',
        leadUrl(id),
      );
    });
  });

  const action = (path: string, run: (id: number, staffId: number) => Promise<unknown>, done: string) =>
    router.post(`/lead/:id/${path}`, async (req, res) => {
      const id = leadId(req);
      await attempt(devhost, req, res, id, async () => {
        parseInput(ActionForm, req.body);
        await run(id, pageLocals(res).staffId);
        flashRedirect(req, res, 'success', done, leadUrl(id));
      });
    });
  action('contacted', (id, staff) => devhost.leads.markContacted(id, staff), 'Marked as contacted today');
  action('lost', (id, staff) => devhost.leads.markLost(id, staff), 'Marked as lost');
  action('junk', (id, staff) => devhost.leads.markJunk(id, staff), 'Marked as junk');
  action('convert', (id, staff) => devhost.leads.convert(id, staff), 'Converted to a customer');

  router.post('/lead/:id/delete', async (req, res) => {
    const id = leadId(req);
    parseInput(ActionForm, req.body);
    await devhost.leads.delete(id);
    flashRedirect(req, res, 'success', `Lead #${id} deleted`, '/admin/leads');
  });

  return router;
}

/**
 * Runs a lead action; a rejected input shows the lead again (422) with the entered values and the
 * fields named. An unknown lead propagates as the 404 page.
 */
async function attempt(
  devhost: Devhost,
  req: Request,
  res: Response,
  id: number,
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!isValidationError(err) || errorStatus(err) === 404) throw err;
    const values = req.body as Record<string, string>;
    await renderLead(
      devhost,
      res,
      id,
      { tab: 'profile', errors: readableErrors(err.errors, values), values },
      422,
    );
  }
}

async function renderLead(
  devhost: Devhost,
  res: Response,
  id: number,
  form: { tab: Tab; errors: FieldError[]; values: Record<string, string> },
  status = 200,
): Promise<void> {
  const lead = await getLeadWithNames(devhost, id);
  if (!lead) throw notFound(`lead ${id}`);
  const staffId = pageLocals(res).staffId;
  const [activity, lookups, panels] = await Promise.all([
    activityLog(devhost, id),
    leadLookups(devhost),
    leadPanels(devhost, id, staffId, String(res.locals.language ?? 'en')),
  ]);
  await renderPage(
    res,
    'pages/lead-view',
    `Lead #${id} ${lead.name}`,
    { lead, activity, lookups, panels, ...form },
    status,
  );
}

async function activityLog(devhost: Devhost, leadId: number): Promise<ActivityRow[]> {
  return devhost
    .db(`${devhost.config.tablePrefix}lead_activity_log`)
    .where('leadid', leadId)
    .select('id', 'description', 'additional_data', 'date', 'full_name')
    .orderBy([
      { column: 'date', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
}

/**
 * Module tabs on the lead (Perfex: `after_lead_lead_tabs` / `after_lead_tabs_content`, given the
 * lead or NULL on the new-lead form). A module that fails shows a note in its tab instead.
 */
export async function leadPanels(
  devhost: Devhost,
  leadId: number | null,
  staffId: number,
  language: string,
): Promise<LeadPanelView[]> {
  const rendered = await Promise.all(
    [...devhost.admin.leadPanels.values()].map(async (panel) => {
      try {
        const html = await panel.render(leadId, staffId, language);
        return html === null ? null : { key: panel.key, title: panel.title, html };
      } catch (err) {
        devhost.host.logger.error({ err, panel: panel.key, leadId }, 'lead panel failed to render');
        return {
          key: panel.key,
          title: panel.title,
          html: '<p class="muted">This panel could not be loaded.</p>',
        };
      }
    }),
  );
  return rendered.filter((p): p is LeadPanelView => p !== null);
}
