import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { LEAD_PROFILE_FIELDS } from '../../lead-service';
import { parseInput } from '../../validation-error';
import { leadLookups } from './lead-lookups';
import { leadPanels } from './lead-view';
import {
  blank,
  csrfField,
  flashRedirect,
  pageLanguage,
  pageLocals,
  renderPage,
  showFormAgainIfInvalid,
  textFields,
  type FieldError,
} from './page-kit';

/** The form's shape only; what the values must be is LeadService's job, as for the API. */
const NewLeadForm = z
  .object({
    ...csrfField,
    ...textFields(...LEAD_PROFILE_FIELDS),
    contacted_today: z.literal('1').optional(),
  })
  .strict();

type FormValues = Partial<Record<keyof z.infer<typeof NewLeadForm>, string>>;

/** `/admin/leads/add`: staff add a lead by hand (`addedfrom` is them). */
export function createLeadNewRouter(devhost: Devhost): Router {
  const router = Router();

  router.get('/add', async (_req, res) => {
    await renderForm(devhost, res, { assigned: String(pageLocals(res).staffId) }, []);
  });

  router.post('/add', async (req, res) => {
    await showFormAgainIfInvalid(
      req,
      async () => {
        const form = parseInput(NewLeadForm, req.body);
        const id = await devhost.leads.create({
          name: form.name ?? '',
          company: blank(form.company?.trim()),
          email: blank(form.email?.trim()),
          phonenumber: blank(form.phonenumber?.trim()),
          country: blank(form.country),
          status: blank(form.status),
          source: blank(form.source),
          assigned: blank(form.assigned),
          lead_value: blank(form.lead_value?.trim()),
          addedfrom: pageLocals(res).staffId,
          contacted_today: form.contacted_today === '1',
        });
        flashRedirect(req, res, 'success', `Lead #${id} created`, `/admin/leads/lead/${id}`);
      },
      (values, errors) => renderForm(devhost, res, values, errors, 422),
    );
  });

  return router;
}

async function renderForm(
  devhost: Devhost,
  res: Response,
  values: FormValues,
  errors: FieldError[],
  status = 200,
): Promise<void> {
  const [lookups, panels] = await Promise.all([
    leadLookups(devhost),
    // Perfex hands the tab hooks NULL on the new-lead form.
    leadPanels(devhost, null, pageLocals(res).staffId, pageLanguage(res)),
  ]);
  await renderPage(res, 'pages/lead-new', 'New lead', { lookups, panels, values, errors }, status);
}
