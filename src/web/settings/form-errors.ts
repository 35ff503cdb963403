import type { TFunction } from 'i18next';
import type { ConfigIssue } from '../../sla/config';
import { issueMessage } from './issue-messages';

/** Messages by form field name; `_form` holds those that belong to no one field. */
export type FieldErrors = Record<string, string[]>;

export const FORM_LEVEL = '_form';

export function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** How one document path maps to a field: a pattern on the issue path and the field it names. */
export type PathRule = [pattern: RegExp, field: (match: RegExpExecArray) => string | undefined];

/**
 * Places each validation issue next to the field it is about, in the viewer's language. `rules` are
 * tried in order; an issue no rule claims is shown at the top of the form with its path, so nothing
 * is ever swallowed.
 */
export function issuesToFieldErrors(
  issues: readonly ConfigIssue[],
  rules: readonly PathRule[],
  t: TFunction,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    let field: string | undefined;
    for (const [pattern, toField] of rules) {
      const m = pattern.exec(issue.path);
      if (m && (field = toField(m)) !== undefined) break;
    }
    const message = issueMessage(issue, t);
    if (field) addError(errors, field, message);
    else addError(errors, FORM_LEVEL, `${issue.path}: ${message}`);
  }
  return errors;
}
