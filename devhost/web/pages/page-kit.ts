import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { StaffSession } from '../auth';
import { ValidationError } from '../../validation-error';

/** What requireStaff (../auth.ts) has put in res.locals by the time a page handler runs. */
export interface AdminPageLocals {
  staffId: number;
  staff: StaffSession;
  csrfToken: string;
  renderLayout(page: { title: string; bodyHtml: string; status?: number }): void;
}

export type FieldError = { field: string; message: string };
export type FlashType = 'success' | 'danger' | 'info';

export function pageLocals(res: Response): AdminPageLocals {
  return res.locals as AdminPageLocals;
}

/** The viewer's language, as requireStaff put it in res.locals ("en" when none is set). */
export function pageLanguage(res: Response): string {
  return String(res.locals.language ?? 'en');
}

/** Renders `views/<view>.ejs` (with res.locals) into the admin layout. */
export async function renderPage(
  res: Response,
  view: string,
  title: string,
  data: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const bodyHtml = await new Promise<string>((resolve, reject) =>
    res.render(view, { title, ...data }, (err, html) => (err ? reject(err) : resolve(html))),
  );
  pageLocals(res).renderLayout({ title, bodyHtml, status });
}

/** Post/redirect/get: the message shows once on the next page. */
export function flashRedirect(
  req: Request,
  res: Response,
  type: FlashType,
  message: string,
  to: string,
): void {
  req.session.flash = { type, message };
  res.redirect(303, to);
}

/** Perfex keeps roles, staff and modules to administrators (`tblstaff.admin = 1`). */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (pageLocals(res).staff.admin === 1) return next();
  renderPage(
    res,
    'pages/error',
    'Access denied',
    {
      message: 'Only administrators may open this page.',
      errors: [],
    },
    403,
  ).catch(next);
};

/** A positive integer route parameter, else a 422 naming it. */
export function idParam(req: Request, field: string): number {
  const raw = String(req.params.id);
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value <= 0)
    throw ValidationError.field(field, 'must be a positive integer');
  return value;
}

/** ValidationError types its status as 422, but TicketService and notFound() reuse it for 404s. */
export function errorStatus(err: ValidationError): number {
  return (err as { status: number }).status;
}

export function notFound(what: string): ValidationError {
  return Object.assign(ValidationError.field('id', `${what} does not exist`), { status: 404 });
}

/**
 * Repeated form fields arrive as a string, an array, or (qs turns more than 20 into an object)
 * an object keyed by index; all become a list.
 */
export function formList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return Object.values(value);
  return [value];
}

/** Empty form inputs (an unselected "All" or "None" option) mean "not given". */
export const blank = (value: unknown): unknown => (value === '' ? undefined : value);

/** Every admin form posts `_csrf` (checked globally); schemas accept it and drop it. */
export const csrfField = { _csrf: z.string().optional() };

/**
 * Form fields taken as optional text: what the values must be is the service's job (as for the
 * API), so a page's form schema checks only which fields may be posted.
 */
export function textFields<K extends string>(...names: K[]): Record<K, z.ZodOptional<z.ZodString>> {
  return Object.fromEntries(names.map((name) => [name, z.string().optional()])) as Record<
    K,
    z.ZodOptional<z.ZodString>
  >;
}

/**
 * TicketService's schemas speak zod ("expected number, received NaN"); a person who left a select
 * on "— choose —" or typed letters into a number field should read what to do instead.
 */
export function readableErrors(errors: FieldError[], values: Record<string, unknown>): FieldError[] {
  return errors.map(({ field, message }) => {
    if (!/^Invalid input/.test(message)) return { field, message };
    const given = values[field];
    const blankInput = given === undefined || (typeof given === 'string' && given.trim() === '');
    if (blankInput) return { field, message: 'is required' };
    if (/received NaN/.test(message)) return { field, message: 'must be a number' };
    return { field, message };
  });
}

/** Form handlers re-render on a ValidationError and let anything else reach the error handler. */
export function isValidationError(err: unknown): err is ValidationError {
  return err instanceof ValidationError;
}

/**
 * Runs a form's action; a rejected input (422) shows the form again through `showAgain`, with the
 * entered values and the fields named. Anything else, an unknown row's 404 included, propagates to
 * the error handler.
 */
export async function showFormAgainIfInvalid(
  req: Request,
  action: () => Promise<void>,
  showAgain: (values: Record<string, string>, errors: FieldError[]) => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!isValidationError(err) || errorStatus(err) === 404) throw err;
    const values = req.body as Record<string, string>;
    await showAgain(values, readableErrors(err.errors, values));
  }
}

/** Uncaught ValidationErrors in admin pages (bad id, unknown row) become a page naming the field. */
export function pageErrorHandler(): ErrorRequestHandler {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof ValidationError)) return next(err);
    const status = errorStatus(err);
    const title = status === 404 ? 'Not found' : 'Invalid request';
    renderPage(res, 'pages/error', title, { message: err.message, errors: err.errors }, status).catch(next);
  };
}
