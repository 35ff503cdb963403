import request from 'supertest';
import type { Express } from 'express';
import { DEMO_PASSWORD } from '../../devhost/seed/people-data';
import { STAFF_PASSWORD } from './host-fixtures';

export type Agent = ReturnType<typeof request.agent>;

export interface AdminSession {
  /** Keeps the session and CSRF cookies between requests. */
  agent: Agent;
  /** A CSRF token valid for this session (the `_csrf` every admin form posts). */
  csrf(): Promise<string>;
  /** POSTs a urlencoded form with a fresh `_csrf`, like a browser submitting an admin form. */
  post(path: string, fields?: Record<string, unknown>): Promise<request.Response>;
}

/** The hidden `_csrf` input of a rendered page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('page has no _csrf input');
  return match[1];
}

/** Signs a staff member in through the login form; throws when the devhost refuses. */
export async function loginAgent(app: Express, email: string, password: string): Promise<AdminSession> {
  const agent = request.agent(app);
  const form = await agent.get('/admin/login');
  const res = await agent
    .post('/admin/login')
    .type('form')
    .send({ email, password, _csrf: csrfFrom(form.text) });
  if (res.status !== 303) throw new Error(`login as ${email} failed: HTTP ${res.status}`);
  // The session id changes on login, so tokens are fetched afterwards (the login page renders one).
  const csrf = async () => csrfFrom((await agent.get('/admin/login')).text);
  return {
    agent,
    csrf,
    post: async (path, fields = {}) => {
      // Fetch the token first: supertest attaches the agent's cookies when the request is
      // created, so a request built before the token page would carry the stale CSRF cookie.
      const token = await csrf();
      return agent
        .post(path)
        .type('form')
        .send({ ...fields, _csrf: token });
    },
  };
}

/** The admin every devhost is set up with. */
export const ADMIN_EMAIL = 'admin@example.com';

/** Signs in as the devhost's admin, or as staff a test added with STAFF_PASSWORD. */
export function loginAs(app: Express, email: string): Promise<AdminSession> {
  return loginAgent(app, email, email === ADMIN_EMAIL ? DEMO_PASSWORD : STAFF_PASSWORD);
}
