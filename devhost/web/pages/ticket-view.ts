import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { parseInput } from '../../validation-error';
import { ticketLookups } from './lookups';
import { renderModulePanels } from './module-panels';
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
import { getTicketWithNames } from './ticket-query';
import { visibleColumns } from './tickets-list';

const SETTINGS_FIELDS = ['department', 'priority', 'assigned', 'service'] as const;

const ReplyForm = z.object({ ...csrfField, ...textFields('message', 'status') }).strict();
const SettingsForm = z.object({ ...csrfField, ...textFields(...SETTINGS_FIELDS) }).strict();
const StatusForm = z.object({ ...csrfField, ...textFields('status') }).strict();
const DeleteForm = z.object({ ...csrfField }).strict();
type Tab = 'reply' | 'settings';

interface ReplyRow {
  id: number;
  date: string;
  message: string | null;
  admin: number | null;
  name: string | null;
  email: string | null;
  staff_name: string | null;
  contact_name: string | null;
}

/** `/admin/tickets/ticket/:id`: one ticket, its thread, and the actions staff take on it. */
export function createTicketViewRouter(devhost: Devhost): Router {
  const router = Router();
  const ticketUrl = (id: number) => `/admin/tickets/ticket/${id}`;

  router.get('/ticket/:id', async (req, res) => {
    await renderTicket(devhost, res, idParam(req, 'ticketid'), { tab: 'reply', errors: [], values: {} });
  });

  router.post('/ticket/:id/reply', async (req, res) => {
    const id = idParam(req, 'ticketid');
    await attempt(devhost, req, res, id, 'reply', async () => {
      const form = parseInput(ReplyForm, req.body);
      await devhost.tickets.reply(id, {
        message: form.message,
        admin: pageLocals(res).staffId,
        status: blank(form.status),
      });
      flashRedirect(req, res, 'success', 'Reply added', ticketUrl(id));
    });
  });

  router.post('/ticket/:id/settings', async (req, res) => {
    const id = idParam(req, 'ticketid');
    await attempt(devhost, req, res, id, 'settings', async () => {
      const form = parseInput(SettingsForm, req.body);
      const row = await devhost.tickets.getRow(id);
      const current = { ...row, service: row.service ?? 0 };
      // Perfex's ticket_settings_updated carries what was submitted; send only what differs.
      const changes: Partial<Record<(typeof SETTINGS_FIELDS)[number], string>> = {};
      for (const key of SETTINGS_FIELDS) {
        const given = form[key]?.trim();
        if (given === undefined) continue;
        const value = key === 'service' && given === '' ? '0' : given;
        if (value !== String(current[key])) changes[key] = value;
      }
      if (Object.keys(changes).length === 0) {
        flashRedirect(req, res, 'info', 'Nothing changed', ticketUrl(id));
        return;
      }
      await devhost.tickets.updateSettings(id, changes);
      flashRedirect(req, res, 'success', 'Ticket settings saved', ticketUrl(id));
    });
  });

  router.post('/ticket/:id/status', async (req, res) => {
    const id = idParam(req, 'ticketid');
    await attempt(devhost, req, res, id, 'reply', async () => {
      const form = parseInput(StatusForm, req.body);
      await devhost.tickets.changeStatus(id, { status: form.status });
      flashRedirect(req, res, 'success', 'Status changed', ticketUrl(id));
    });
  });

  router.post('/ticket/:id/delete', async (req, res) => {
    const id = idParam(req, 'ticketid');
    parseInput(DeleteForm, req.body);
    await devhost.tickets.delete(id);
    flashRedirect(req, res, 'success', `Ticket #${id} deleted`, '/admin/tickets');
  });

  return router;
}

/**
 * Runs a ticket action; a rejected input shows the ticket again (422) with the entered values and
 * the form's tab open. An unknown ticket propagates as the 404 page.
 */
async function attempt(
  devhost: Devhost,
  req: Request,
  res: Response,
  id: number,
  tab: Tab,
  action: () => Promise<void>,
): Promise<void> {
  await showFormAgainIfInvalid(req, action, (values, errors) =>
    renderTicket(devhost, res, id, { tab, errors, values }, 422),
  );
}

async function renderTicket(
  devhost: Devhost,
  res: Response,
  id: number,
  form: { tab: Tab; errors: FieldError[]; values: Record<string, string> },
  status = 200,
): Promise<void> {
  const ticket = await getTicketWithNames(devhost, id);
  if (!ticket) throw notFound(`ticket ${id}`);
  const staffId = pageLocals(res).staffId;
  const [replies, lookups, panels, badges] = await Promise.all([
    threadReplies(devhost, id),
    ticketLookups(devhost),
    modulePanels(devhost, id, staffId),
    headBadges(devhost, id, staffId, pageLanguage(res)),
  ]);
  await renderPage(
    res,
    'pages/ticket-view',
    `#${id} ${ticket.subject}`,
    { ticket, replies, lookups, panels, badges, ...form },
    status,
  );
}

async function threadReplies(devhost: Devhost, ticketId: number): Promise<ReplyRow[]> {
  const p = devhost.config.tablePrefix;
  const db = devhost.db;
  return db(`${p}ticket_replies as r`)
    .leftJoin(`${p}staff as s`, 's.staffid', 'r.admin')
    .leftJoin(`${p}contacts as c`, 'c.id', 'r.contactid')
    .where('r.ticketid', ticketId)
    .select('r.id', 'r.date', 'r.message', 'r.admin', 'r.name', 'r.email', {
      staff_name: db.raw(`CONCAT(s.firstname, ' ', s.lastname)`),
      contact_name: db.raw(`CONCAT(c.firstname, ' ', c.lastname)`),
    })
    .orderBy([{ column: 'r.date' }, { column: 'r.id' }]);
}

/**
 * The module list columns' cells for this one ticket (the SLA badge), shown in the header next to
 * the status, so the clock is seen without opening a tab. A failing module shows nothing there.
 */
async function headBadges(
  devhost: Devhost,
  ticketId: number,
  staffId: number,
  language: string,
): Promise<{ key: string; html: string }[]> {
  const columns = await visibleColumns(devhost, staffId);
  const cells = await Promise.all(
    columns.map(async (column) => {
      try {
        const html = (await column.render([ticketId], staffId, language)).get(ticketId);
        return html ? { key: column.key, html } : null;
      } catch (err) {
        devhost.host.logger.error(
          { err, column: column.key, ticketId },
          'ticket header badge failed to render',
        );
        return null;
      }
    }),
  );
  return cells.filter((c): c is { key: string; html: string } => c !== null);
}

/** Module tabs; a module that fails shows a note in its tab instead of breaking the ticket view. */
function modulePanels(devhost: Devhost, ticketId: number, staffId: number) {
  return renderModulePanels(
    devhost,
    devhost.admin.panels.values(),
    (panel) => panel.render(ticketId, staffId),
    {
      message: 'ticket panel failed to render',
      context: { ticketId },
    },
  );
}
