import type { ErrorRequestHandler } from 'express';
import type { Devhost } from '../devhost';
import { ValidationError } from '../validation-error';

/** Validation errors: 422 naming the field (JSON for the API, a page for forms); others 500. */
export function errorHandler(devhost: Devhost): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { status?: number; statusCode?: number; code?: string; message?: string };
    const status = err instanceof ValidationError ? err.status : (e.statusCode ?? e.status ?? 500);
    if (status >= 500) devhost.host.logger.error({ err, url: req.originalUrl }, 'request failed');
    const body =
      err instanceof ValidationError
        ? { error: err.code, message: err.message, errors: err.errors }
        : { error: e.code ?? 'error', message: status >= 500 ? 'Internal error' : (e.message ?? 'Error') };
    if (req.originalUrl.startsWith('/api') || req.accepts(['html', 'json']) === 'json') {
      res.status(status).json(body);
    } else {
      res.status(status).type('text/plain').send(body.message);
    }
  };
}
