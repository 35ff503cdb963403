import { z } from 'zod';
import {
  DEFAULT_SETTINGS,
  METRICS,
  type ConfigIssue,
  type Metric,
  type PolicyConfig,
} from '../../sla/config';
import type { DraftInput } from '../../engine/rule-tester';
import { parseId } from '../../sla/strict-input';

/** The draft form as typed, so a rejected form comes back exactly as the person left it. */
export interface DraftFormValues {
  name: string;
  position: string;
  departmentIds: string[];
  priorityIds: string[];
  clientIds: string[];
  serviceIds: string[];
  calendar: string;
  targets: Record<Metric, string>;
  pauseStatusIds: string[];
  /** The policy the draft was started from: it is tested in that policy's place. */
  replaces: string;
}

/** Form field -> error code (`rule_tester.errors.<code>`); field names match the inputs' data-field. */
export type DraftFormErrors = Record<string, string>;

const checked = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const text = z.string().max(2000).optional().default('');

const DraftFormSchema = z.strictObject({
  _csrf: z.string().optional(),
  name: text,
  position: text,
  departmentIds: checked,
  priorityIds: checked,
  clientIds: checked,
  serviceIds: checked,
  calendar: text,
  targets: z
    .strictObject({ first_response: text, next_response: text, resolution: text })
    .partial()
    .optional()
    .default({}),
  pauseStatusIds: checked,
  replaces: text,
});

/** `?from=<key>`; the messages are error codes: a repeated `from` is a bad request, a bad key is unknown. */
export const QuerySchema = z.object({
  from: z
    .string({ error: 'one_policy' })
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'unknown_policy' })
    .optional(),
});

/** The code shown for a schema issue on each field (the schema's own messages are English only). */
const CODE_BY_FIELD: Record<string, string> = {
  name: 'name',
  position: 'position',
  departmentIds: 'choice',
  priorityIds: 'choice',
  pauseStatusIds: 'choice',
  clientIds: 'choice',
  serviceIds: 'choice',
  calendar: 'calendar',
  targets: 'targets',
  'targets.first_response': 'minutes',
  'targets.next_response': 'minutes',
  'targets.resolution': 'minutes',
};

export function emptyValues(position: number): DraftFormValues {
  return {
    name: '',
    position: String(position),
    departmentIds: [],
    priorityIds: [],
    clientIds: [],
    serviceIds: [],
    calendar: '',
    targets: { first_response: '', next_response: '', resolution: '' },
    // The schema's default pause statuses (spelled once, in the schema).
    pauseStatusIds: DEFAULT_SETTINGS.defaultPauseStatusIds.map(String),
    replaces: '',
  };
}

/** An existing policy as the starting point of a draft, tested in its place. */
export function valuesFromPolicy(policy: PolicyConfig): DraftFormValues {
  const list = (ids: number[] | undefined) => (ids ?? []).map(String);
  const minutes = (m: Metric) => {
    const target = policy.targets[m];
    return target ? String(target.minutes) : '';
  };
  return {
    name: policy.name,
    position: String(policy.position),
    departmentIds: list(policy.match.departmentIds),
    priorityIds: list(policy.match.priorityIds),
    clientIds: list(policy.match.clientIds),
    serviceIds: list(policy.match.serviceIds),
    calendar: policy.calendar ?? '',
    targets: {
      first_response: minutes('first_response'),
      next_response: minutes('next_response'),
      resolution: minutes('resolution'),
    },
    pauseStatusIds: policy.pauseStatusIds.map(String),
    replaces: policy.key,
  };
}

/**
 * Reads the posted form into a draft policy. Only the form's own shape is checked here (numbers
 * that are numbers); the policy rules are the config schema's, applied by RuleTester.validate.
 */
export function parseDraftForm(
  body: unknown,
  defaults: { name: string; position: number },
): { values: DraftFormValues; draft: DraftInput | null; errors: DraftFormErrors } {
  const parsed = DraftFormSchema.safeParse(body ?? {});
  if (!parsed.success) {
    // A single-value field sent twice is named at that field, never read as either copy.
    const errors: DraftFormErrors = { form: 'form' };
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.');
      if (Array.isArray(valueAt(body, issue.path))) errors[field] = errors.form = 'duplicate';
    }
    return { values: emptyValues(0), draft: null, errors };
  }
  const f = parsed.data;
  const values: DraftFormValues = {
    name: f.name,
    position: f.position,
    departmentIds: f.departmentIds,
    priorityIds: f.priorityIds,
    clientIds: f.clientIds,
    serviceIds: f.serviceIds,
    calendar: f.calendar,
    targets: {
      first_response: f.targets.first_response ?? '',
      next_response: f.targets.next_response ?? '',
      resolution: f.targets.resolution ?? '',
    },
    pauseStatusIds: f.pauseStatusIds,
    replaces: f.replaces,
  };
  const errors: DraftFormErrors = {};
  const ids = (field: string, raw: string[]): number[] | undefined => {
    const given = raw.filter((s) => s !== '');
    const numbers = given.flatMap((s) => parseId(s) ?? []);
    if (numbers.length !== given.length) errors[field] = CODE_BY_FIELD[field];
    return numbers.length ? numbers : undefined;
  };
  const match: DraftInput['match'] = {};
  const departmentIds = ids('departmentIds', values.departmentIds);
  const priorityIds = ids('priorityIds', values.priorityIds);
  const clientIds = ids('clientIds', values.clientIds);
  const serviceIds = ids('serviceIds', values.serviceIds);
  if (departmentIds) match.departmentIds = departmentIds;
  if (priorityIds) match.priorityIds = priorityIds;
  if (clientIds) match.clientIds = clientIds;
  if (serviceIds) match.serviceIds = serviceIds;
  const targets: DraftInput['targets'] = {};
  for (const metric of METRICS) {
    const raw = values.targets[metric].trim();
    if (raw === '') continue;
    const minutes = Number(raw);
    if (!Number.isFinite(minutes)) errors[`targets.${metric}`] = 'minutes';
    else targets[metric] = { minutes };
  }
  const position = values.position.trim() === '' ? defaults.position : Number(values.position);
  if (!Number.isFinite(position)) errors.position = 'position';
  const draft: DraftInput = {
    name: values.name.trim() || defaults.name,
    position,
    match,
    calendar: values.calendar === '' ? null : values.calendar,
    targets,
    pauseStatusIds: ids('pauseStatusIds', values.pauseStatusIds) ?? [],
  };
  return { values, draft: Object.keys(errors).length ? null : draft, errors };
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Schema issues (paths relative to the draft) -> the form field each belongs to. */
export function errorsFromIssues(issues: readonly ConfigIssue[]): DraftFormErrors {
  const errors: DraftFormErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    errors[field] ??= CODE_BY_FIELD[field] ?? 'form';
  }
  return errors;
}

function fieldOf(path: string): string {
  const parts = path.split(/\.|\[/);
  if (parts[0] === 'match' && parts[1]) return parts[1];
  if (parts[0] === 'targets' && parts[1] && (METRICS as readonly string[]).includes(parts[1]))
    return `targets.${parts[1]}`;
  return CODE_BY_FIELD[parts[0]] ? parts[0] : 'form';
}
