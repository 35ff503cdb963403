import type { TFunction } from 'i18next';
import type { z } from 'zod';

/**
 * A rejected query string as messages per field (`field -> message`), so a page can answer 422
 * and put each message next to its control. Unknown parameters are named too.
 */
export function queryFieldErrors(error: z.ZodError, t: TFunction, key: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const fields =
      issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.length ? String(issue.path[0]) : 'query'];
    for (const field of fields) errors[field] ??= t(key, { field });
  }
  return errors;
}
