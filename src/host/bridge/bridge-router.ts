import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import { asyncRoute } from '../../web/async-route';
import { manifest } from '../../manifest';
import { strictJsonBody } from './bridge-json';
import { signatureGate, type SignatureGateDeps } from './signature-gate';
import { firstProblem, parseBridgeEvent, type BridgeEvent } from './bridge-events';
import { ignoredMailSettings, mailSettingsRoute, type MailSettingsReceiver } from './bridge-mail-settings';
import {
  WIDGET_BODIES,
  first,
  listBadges,
  myRisksAnswer,
  panelAnswer,
  type WidgetRegistry,
} from './bridge-widgets';
import type { HostActionDesk } from '../../engine/host-action-desk';
import { hostActionsRouter } from './bridge-host-actions';
import { LIST_FILTER_BODY, LIST_FILTER_ROUTES, type ListFilterCondition } from './bridge-list-filter';

export interface BridgeRouterDeps extends SignatureGateDeps {
  /** Records one event; never throws for a failing event (the reconcile repairs it). */
  intake(event: BridgeEvent): Promise<void>;
  /** The activated module's list columns, ticket and lead tabs and home widget (empty answers without). */
  widgets?: WidgetRegistry;
  /** Escalation host actions the Perfex module pulls on its cron (absent: the routes answer 404). */
  hostActions?: HostActionDesk;
  /** The SQL condition of an SLA state for Perfex's ticket-list and lead-list filters (404 without). */
  listFilter?: ListFilterCondition;
  /** Takes Perfex's pushed mail settings; without it they are ignored (the host's SMTP URL is used). */
  mailSettings?: MailSettingsReceiver;
}

/** A POST whose JSON body `schema` reads (422 with the first wrong field), answered 200 with `answer`'s JSON. */
function widgetRoute<S extends z.ZodType>(schema: S, answer: (body: z.infer<S>) => Promise<unknown>) {
  return asyncRoute(async (req: Request, res: Response) => {
    const raw = strictJsonBody(req.body as Buffer, res);
    if (!raw) return;
    const parsed = schema.safeParse(raw.body);
    if (!parsed.success) {
      res.status(422).json(firstProblem(parsed.error, []));
      return;
    }
    res.status(200).json(await answer(parsed.data));
  });
}

/** Bodies of the contract's events are a few hundred bytes; a bulk action lists ids. */
const BODY_LIMIT = '256kb';

/**
 * The service's end of the signed channel, mounted at `/bridge`: every request is checked
 * against the secret, the clock and the replay table before its body is even parsed.
 */
export function createBridgeRouter(deps: BridgeRouterDeps): Router {
  const router = express.Router();
  // The raw bytes, as signed: the body is parsed only after the signature holds.
  router.use(express.raw({ type: () => true, limit: BODY_LIMIT }));
  router.use(signatureGate(deps, (req) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))));

  router.post(
    '/events',
    asyncRoute(async (req: Request, res: Response) => {
      const raw = strictJsonBody(req.body as Buffer, res);
      if (!raw) return;
      const parsed = parseBridgeEvent(raw.body);
      if (!parsed.ok) {
        res.status(422).json({ error: parsed.error, field: parsed.field });
        return;
      }
      await deps.intake(parsed.event);
      res.status(202).json({ ok: true });
    }),
  );

  // Perfex's "SLA Vigil service" setup page: a signed call that succeeds proves the pairing.
  router.post('/ping', (_req: Request, res: Response) => {
    res.status(200).json({ ok: true, version: manifest.version });
  });

  const none: WidgetRegistry = {
    columns: new Map(),
    panels: new Map(),
    widgets: new Map(),
    leadListColumns: new Map(),
    leadPanels: new Map(),
  };
  const widgets = deps.widgets ?? none;
  router.post(
    '/ticket-list',
    widgetRoute(WIDGET_BODIES.ticketList, (b) => listBadges(first(widgets.columns), b.ticket_ids, b)),
  );
  router.post(
    '/ticket-panel',
    widgetRoute(WIDGET_BODIES.ticketPanel, (b) => panelAnswer(first(widgets.panels), b.ticket_id, b)),
  );
  router.post(
    '/lead-list',
    widgetRoute(WIDGET_BODIES.leadList, (b) => listBadges(first(widgets.leadListColumns), b.lead_ids, b)),
  );
  router.post(
    '/lead-panel',
    widgetRoute(WIDGET_BODIES.leadPanel, (b) => panelAnswer(first(widgets.leadPanels), b.lead_id, b)),
  );
  router.post(
    '/widget/my-risks',
    widgetRoute(WIDGET_BODIES.myRisks, (body) => myRisksAnswer(widgets, body)),
  );

  if (deps.hostActions) router.use('/host-actions', hostActionsRouter(deps.hostActions));
  const { listFilter } = deps;
  if (listFilter) {
    for (const [route, kind] of LIST_FILTER_ROUTES) {
      router.post(
        route,
        widgetRoute(LIST_FILTER_BODY, async (body) => listFilter(kind, body)),
      );
    }
  }
  router.post('/mail-settings', mailSettingsRoute(deps.mailSettings ?? ignoredMailSettings(deps.logger)));

  router.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return router;
}
