import type { Knex } from 'knex';
import type { ModuleServices } from '../../src/wiring/module-services';
import type { TimelineEvent } from '../../src/store/timeline-repository';
import type { StoredClock } from '../../src/store/clock-repository';

/** Two tickets driven through the same host actions: one by in-process hooks, one another way. */
export interface TwinIds {
  inProcess: number;
  forwarded: number;
}

/** A timeline without the ids that necessarily differ between two tickets. */
export const comparableTimeline = (events: TimelineEvent[]) =>
  events.map(({ eventType, fromValue, toValue, actorStaffId, occurredAt, source, dedupeKey }) => ({
    eventType,
    fromValue,
    toValue,
    actorStaffId,
    occurredAt: occurredAt.toISOString(),
    source,
    dedupeKey: dedupeKey?.replace(/\d+/g, '#') ?? null,
  }));

export const comparableClocks = (clocks: StoredClock[]) =>
  clocks
    .map(({ id: _id, subjectId: _subject, ...rest }) => rest)
    .sort((x, y) => `${x.metric}${x.cycle}`.localeCompare(`${y.metric}${y.cycle}`));

/** The module's subject row without its ids (clocks_event_id points at a timeline row id). */
const withoutIds = ({ subject_id: _s, id: _i, clocks_event_id: _e, ...rest }: Record<string, unknown>) =>
  rest;

async function comparableSubject(db: Knex, id: number, primary?: number): Promise<Record<string, unknown>> {
  const rest = withoutIds(
    (await db('tblsla_vigil_subjects').where('subject_id', id).first()) as Record<string, unknown>,
  );
  return primary !== undefined && rest.merged_into === primary
    ? { ...rest, merged_into: 'the primary' }
    : rest;
}

/** A twin's `merged` event names its own primary: both read as "the primary" when they do. */
const samePrimary = (events: TimelineEvent[], primary: number | undefined) =>
  events.map((e) =>
    e.eventType === 'merged' && primary !== undefined && e.toValue === String(primary)
      ? { ...e, toValue: 'the primary' }
      : e,
  );

/**
 * Expects the twins' clocks and subject rows to be equal, and their timelines unless `clocksOnly`
 * (a twin repaired by a scan has the same clocks and state, recorded later by the reconcile);
 * `mergedInto`: each twin was merged into its own twin of this primary.
 */
export async function expectSameTwinRecord(
  services: ModuleServices,
  db: Knex,
  ids: TwinIds,
  { clocksOnly = false, mergedInto }: { clocksOnly?: boolean; mergedInto?: TwinIds } = {},
): Promise<void> {
  if (!clocksOnly) {
    const [a, b] = await Promise.all([
      services.timeline.forSubject('ticket', ids.inProcess),
      services.timeline.forSubject('ticket', ids.forwarded),
    ]);
    expect(comparableTimeline(samePrimary(b, mergedInto?.forwarded))).toEqual(
      comparableTimeline(samePrimary(a, mergedInto?.inProcess)),
    );
  }
  const [clocksA, clocksB] = await Promise.all([
    services.clockRepo.forSubjects([ids.inProcess]),
    services.clockRepo.forSubjects([ids.forwarded]),
  ]);
  // A merged ticket's clocks may be gone; any other twin has some, or the comparison says nothing.
  if (!mergedInto) expect(clocksA.length).toBeGreaterThan(0);
  expect(comparableClocks(clocksB)).toEqual(comparableClocks(clocksA));
  // A twin repaired by a scan was written later: its row's own bookkeeping times differ.
  const state = ({ created_at: _c, updated_at: _u, ...rest }: Record<string, unknown>) =>
    clocksOnly ? rest : { created_at: _c, updated_at: _u, ...rest };
  expect(state(await comparableSubject(db, ids.forwarded, mergedInto?.forwarded))).toEqual(
    state(await comparableSubject(db, ids.inProcess, mergedInto?.inProcess)),
  );
}
