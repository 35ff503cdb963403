import crypto from 'node:crypto';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { doubleCsrf } from 'csrf-csrf';
import type { Devhost } from '../devhost';
import { createApiRouter } from './api-router';
import { createAuthRouter, requireStaff } from './auth';
import { createAdminPages } from './admin-pages';
import { errorHandler } from './error-handler';

declare module 'express-session' {
  interface SessionData {
    staffId: number;
    flash: { type: 'success' | 'danger' | 'info'; message: string } | undefined;
  }
}

/** The devhost's HTTP face: JSON API (bearer token), staff login, admin pages, module routes. */
export function createDevhostApp(devhost: Devhost): Express {
  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', viewsDir());
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } }));
  app.use('/assets', express.static(path.join(sourceDir(), 'public')));

  app.use('/api', express.json({ limit: '1mb' }), createApiRouter(devhost));

  const secret = devhost.config.sessionSecret ?? crypto.randomBytes(32).toString('hex');
  app.use(express.urlencoded({ extended: true, limit: '1mb' }));
  app.use(cookieParser());
  app.use(
    session({
      name: 'devhost.sid',
      secret,
      resave: false,
      saveUninitialized: true,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => req.session.id,
    cookieName: 'devhost.csrf',
    cookieOptions: { sameSite: 'lax', secure: false, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ?? req.headers['x-csrf-token'],
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = generateCsrfToken(req, res);
    next();
  });
  app.use(doubleCsrfProtection);

  app.use('/admin', createAuthRouter(devhost));
  app.use('/admin', requireStaff(devhost));
  app.use('/admin', createAdminPages(devhost));
  app.use('/admin', devhost.admin.dispatch());
  app.get('/', (_req, res) => res.redirect('/admin'));
  app.use(errorHandler(devhost));
  return app;
}

/** devhost/ in the source tree, also when running from dist/devhost/web. */
export function sourceDir(): string {
  const here = path.resolve(__dirname, '..');
  return here.includes(`${path.sep}dist${path.sep}`)
    ? here.replace(`${path.sep}dist${path.sep}`, path.sep)
    : here;
}

function viewsDir(): string {
  return path.join(sourceDir(), 'views');
}
