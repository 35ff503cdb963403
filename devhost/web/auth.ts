import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import bcrypt from 'bcryptjs';
import type { MenuItem } from '../../src/host/host-context';
import type { Devhost } from '../devhost';
import { languageCode } from '../../src/host/perfex/perfex-languages';
import { LoginThrottle } from './login-throttle';

/**
 * A bcrypt hash (cost 8, as Perfex's phpass hashes) no password matches: an unknown email is
 * compared against it, so unknown and known accounts take the same time to refuse.
 */
const NO_SUCH_STAFF_HASH = '$2b$08$zF8qHiBmpt.KVSL.buJ/b.erPaTkbqc.LTEYngO6bmOpYePUpccwq';

export interface StaffSession {
  staffid: number;
  email: string;
  firstname: string;
  lastname: string;
  admin: number;
  default_language: string | null;
}

/**
 * Staff login with bcrypt-hashed passwords (as Perfex stores them) and a server-side session.
 * Failed attempts are limited per email and per client address (429 while over the limit).
 */
export function createAuthRouter(devhost: Devhost): Router {
  const router = Router();
  const throttle = new LoginThrottle(devhost.config.loginLimits);
  router.get('/login', (_req, res) => {
    res.render('login', { error: null, email: '' });
  });
  router.post('/login', async (req, res, next) => {
    try {
      const { email, password } = req.body as { email?: string; password?: string };
      if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) {
        res.status(422).render('login', {
          error: 'Email and password are required',
          email: typeof email === 'string' ? email : '',
        });
        return;
      }
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      const waitMs = throttle.retryAfterMs(ip, email);
      if (waitMs > 0) {
        const minutes = Math.ceil(waitMs / 60_000);
        res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
        res.status(429).render('login', {
          error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          email,
        });
        return;
      }
      const staff = await devhost
        .db(`${devhost.config.tablePrefix}staff`)
        .where({ email: email.trim() })
        .first();
      // Always one bcrypt comparison, against a hash no password matches when there is no such
      // staff member, so the answer's timing does not tell which emails have an account.
      const known = staff !== undefined && typeof staff.password === 'string' && staff.password !== '';
      const matches = await bcrypt.compare(password, known ? staff.password : NO_SUCH_STAFF_HASH);
      const ok = known && matches && staff.active === 1;
      if (!ok) {
        throttle.recordFailure(ip, email);
        res.status(401).render('login', { error: 'Invalid email or password', email });
        return;
      }
      throttle.recordSuccess(email);
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.staffId = staff.staffid;
        // Perfex lands staff on its dashboard after login.
        res.redirect(303, '/admin');
      });
    } catch (err) {
      next(err);
    }
  });
  router.post('/logout', (req, res) => {
    req.session.destroy(() => res.redirect(303, '/admin/login'));
  });
  return router;
}

/**
 * Every other /admin request needs a signed-in, active staff member. Sets what the admin layout
 * and module routers rely on: staffId, staff, language, csrfToken, the visible menu, renderLayout.
 */
export function requireStaff(devhost: Devhost): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const staffId = req.session.staffId;
      const staff: StaffSession | undefined = staffId
        ? await devhost
            .db(`${devhost.config.tablePrefix}staff`)
            .where({ staffid: staffId, active: 1 })
            .first()
        : undefined;
      if (!staff) {
        if (req.accepts(['html', 'json']) === 'json') res.status(401).json({ error: 'not_signed_in' });
        else res.redirect(303, `/admin/login`);
        return;
      }
      res.locals.staffId = staff.staffid;
      res.locals.staff = staff;
      res.locals.language = languageCode(staff.default_language);
      res.locals.menu = await visibleMenu(devhost, staff.staffid);
      // The bell's number, as Perfex's header shows it: the staff member's unread notifications.
      const [{ n }] = await devhost
        .db(`${devhost.config.tablePrefix}notifications`)
        .where({ touserid: staff.staffid, isread: 0 })
        .count({ n: '*' });
      res.locals.unreadNotifications = Number(n);
      res.locals.flash = req.session.flash;
      req.session.flash = undefined;
      res.locals.renderLayout = (page: { title: string; bodyHtml: string; status?: number }) =>
        res
          .status(page.status ?? 200)
          .render('layout', { title: page.title, bodyHtml: page.bodyHtml, active: req.path });
      next();
    } catch (err) {
      next(err);
    }
  };
}

async function visibleMenu(devhost: Devhost, staffId: number): Promise<MenuItem[]> {
  const items = [...devhost.admin.menu.values()];
  const allowed = await Promise.all(
    items.map((i) => devhost.permissions.can(staffId, i.feature, i.capability)),
  );
  return items.filter((_, n) => allowed[n]).sort((a, b) => (a.position ?? 100) - (b.position ?? 100));
}
