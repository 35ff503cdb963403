import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { parseInput } from '../../validation-error';
import { contactsByCompany, ticketLookups } from './lookups';
import {
  blank,
  csrfField,
  flashRedirect,
  pageLocals,
  renderPage,
  showFormAgainIfInvalid,
  textFields,
  type FieldError,
} from './page-kit';

/**
 * The form's shape only; what the values must be (subject required, department exists, ...) is
 * TicketService's job, so the form cannot drift from the API.
 */
const NewTicketForm = z
  .object({
    ...csrfField,
    ...textFields('subject', 'message', 'department', 'priority', 'service', 'assigned', 'contactid'),
    opened_by: z.enum(['contact', 'staff'], { message: 'choose a contact or yourself' }),
  })
  .strict();

type FormValues = Partial<Record<keyof z.infer<typeof NewTicketForm>, string>>;

/** `/admin/tickets/add`: staff open a ticket for a client contact, or as themselves. */
export function createTicketNewRouter(devhost: Devhost): Router {
  const router = Router();

  router.get('/add', async (_req, res) => {
    await renderForm(devhost, res, { opened_by: 'contact', priority: '2', assigned: '0' }, []);
  });

  router.post('/add', async (req, res) => {
    await showFormAgainIfInvalid(
      req,
      async () => {
        const form = parseInput(NewTicketForm, req.body);
        const id = await devhost.tickets.create({
          subject: form.subject,
          message: form.message,
          department: blank(form.department),
          priority: blank(form.priority),
          service: blank(form.service),
          assigned: blank(form.assigned),
          // On behalf of a contact, the ticket reads as the contact's; otherwise the staff member opened it.
          ...(form.opened_by === 'contact'
            ? { contactid: blank(form.contactid) }
            : { admin: pageLocals(res).staffId }),
        });
        flashRedirect(req, res, 'success', `Ticket #${id} created`, `/admin/tickets/ticket/${id}`);
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
  const [lookups, contactGroups] = await Promise.all([ticketLookups(devhost), contactsByCompany(devhost)]);
  await renderPage(res, 'pages/ticket-new', 'New ticket', { lookups, contactGroups, values, errors }, status);
}
