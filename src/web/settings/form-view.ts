import { FORM_LEVEL, type FieldErrors } from './form-errors';
import { list, type FormValues } from './form-values';

/** What a settings view asks of a form: the typed value, whether an option is chosen, the errors. */
export interface FormView {
  val(name: string): string;
  has(name: string, option: string | number): boolean;
  errors(name: string): string[];
  /** ' sv-invalid' for a field with errors, '' otherwise: append to the class attribute. */
  invalid(name: string): string;
  /** Messages that belong to no one field (shown at the top of the form). */
  formErrors: string[];
  errorCount: number;
}

export function formView(values: FormValues, errors: FieldErrors = {}): FormView {
  return {
    val: (name) => {
      const v = values[name];
      return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
    },
    has: (name, option) => list(values, name).includes(String(option)),
    errors: (name) => errors[name] ?? [],
    invalid: (name) => (errors[name]?.length ? ' sv-invalid' : ''),
    formErrors: errors[FORM_LEVEL] ?? [],
    errorCount: Object.values(errors).reduce((n, e) => n + e.length, 0),
  };
}
