import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { LEAD_PROFILE_FIELDS } from '../../lead-service';
import { parseInput } from '../../validation-error';
import { leadLookups } from './lead-lookups';
import { getLeadWithNames } from './lead-query';
import { renderModulePanels, type ModulePanelView } from './module-panels';
import {
  blank,
  csrfField,
  flashRedirect,
  idParam,
  notFound,
  pageLanguage,
  pageLocals,
  renderPage,
  showFormAgainIfInvalid,
  textFields,
  type FieldError,
} from './page-kit';

const ProfileForm = z.object({ ...csrfField, ...textFields(...LEAD_PROFILE_FIELDS) }).strict();
const required = z.string({ message: 'is required' }).trim().min(1, 'is required');
const StatusForm = z.object({ ...csrfField, status: required }).strict();
const AssignForm = z.object({ ...csrfField, assigned: required }).strict();
const ActionForm = z.object({ ...csrfField }).strict();

type Tab = 'profile' | 'activity';

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

  /** An edit of the lead through `devhost.leads.update`: "Nothing changed" when the form changed nothing. */
  const edit = <F>(
    path: string,
    form: z.ZodType<F>,
    changes: (form: F) => Record<string, unknown>,
    saved: string,
  ) =>
    router.post(`/lead/:id/${path}`, async (req, res) => {
      const id = leadId(req);
      await attempt(devhost, req, res, id, async () => {
        const values = parseInput(form, req.body);
        const changed = await devhost.leads.update(id, changes(values), pageLocals(res).staffId);
        flashRedirect(
          req,
          res,
          changed.length ? 'success' : 'info',
          changed.length ? saved : 'Nothing changed',
          leadUrl(id),
        );
      });
    });
  edit(
    'edit',
    ProfileForm,
    (form) => ({
      name: form.name,
      company: form.company?.trim() ?? undefined,
      email: blank(form.email?.trim()),
      phonenumber: form.phonenumber?.trim() ?? undefined,
      country: blank(form.country),
      status: blank(form.status),
      source: blank(form.source),
      assigned: blank(form.assigned),
      lead_value: blank(form.lead_value?.trim()),
    }),
    'Lead saved',
  );
  // The status select in the lead's header is part of Perfex's edit form, not the kanban.
  edit('status', StatusForm, (form) => ({ status: form.status }), 'Status changed');
  edit('assign', AssignForm, (form) => ({ assigned: form.assigned }), 'Lead assigned');

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
  await showFormAgainIfInvalid(req, action, (values, errors) =>
    renderLead(devhost, res, id, { tab: 'profile', errors, values }, 422),
  );
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
    leadPanels(devhost, id, staffId, pageLanguage(res)),
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
): Promise<ModulePanelView[]> {
  return renderModulePanels(
    devhost,
    devhost.admin.leadPanels.values(),
    (panel) => panel.render(leadId, staffId, language),
    { message: 'lead panel failed to render', context: { leadId } },
  );
}
