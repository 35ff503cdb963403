import { createHash } from 'node:crypto';
import { EMAIL_FIELDS, fillSkeletonValues, type Cut, type Skeleton } from './escalation-email-skeleton';

/**
 * An escalation email's skeleton as the outbox keeps it: once per distinct skeleton, keyed by the
 * hash of its JSON, so an outbox row carries only that key and its own values (a few hundred
 * bytes instead of the ~4 kB of a rendered HTML and text body, which the tick's INSERT otherwise
 * escapes and sends 1,000 times). The same skeleton always gets the same key, so writing it again
 * is a no-op (INSERT IGNORE), and a changed template or phrase gets a new key while rows written
 * before keep theirs.
 */
export interface StoredSkeleton {
  /** sha256 (hex) of `body`. */
  hash: string;
  /** The JSON kept in the skeleton table. */
  body: string;
}

/** What `body` holds: the field names the values follow, and both parts' cuts. */
interface SkeletonJson {
  v: 1;
  fields: readonly string[];
  html: Cut;
  text: Cut;
}

const stored = new WeakMap<Skeleton, StoredSkeleton>();

/** The stored form of a skeleton, made once per skeleton object (skeletons are kept per process). */
export function storedSkeleton(skeleton: Skeleton): StoredSkeleton {
  let s = stored.get(skeleton);
  if (!s) {
    const json: SkeletonJson = { v: 1, fields: EMAIL_FIELDS, html: skeleton.html, text: skeleton.text };
    const body = JSON.stringify(json);
    s = { hash: createHash('sha256').update(body).digest('hex'), body };
    stored.set(skeleton, s);
  }
  return s;
}

/** Reads a stored skeleton's body back (throws on one this version cannot read). */
export function parseStoredSkeleton(body: string): Skeleton {
  const json = JSON.parse(body) as Partial<SkeletonJson>;
  if (json.v !== 1 || !json.html || !json.text)
    throw new Error('sla_vigil outbox: a stored email skeleton of an unknown format');
  return { html: json.html, text: json.text };
}

/**
 * One row's HTML and text from its skeleton and its values (the JSON array the row keeps): the
 * same bytes the eager render wrote (fillSkeletonValues), so a row reads the same however it is kept.
 */
export function fillStoredSkeleton(skeleton: Skeleton, valuesJson: string): { html: string; text: string } {
  const values: unknown = JSON.parse(valuesJson);
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string'))
    throw new Error('sla_vigil outbox: a row whose email values are not a list of strings');
  return fillSkeletonValues(skeleton, values as string[]);
}
