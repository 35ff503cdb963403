import { diffDocuments } from '../../src/web/audit-diff';

describe('diffDocuments', () => {
  it('names changed leaves with old and new values', () => {
    expect(
      diffDocuments(
        { name: 'A', targets: { resolution: { minutes: 60 } } },
        { name: 'B', targets: { resolution: { minutes: 30 } } },
      ),
    ).toEqual([
      { path: ['name'], kind: 'changed', before: 'A', after: 'B' },
      { path: ['targets', 'resolution', 'minutes'], kind: 'changed', before: 60, after: 30 },
    ]);
  });

  it('lists added and removed entries of plain lists; a reordering is one change', () => {
    expect(diffDocuments({ ids: [1, 2] }, { ids: [2, 3] })).toEqual([
      { path: ['ids'], kind: 'removed', before: 1 },
      { path: ['ids'], kind: 'added', after: 3 },
    ]);
    expect(diffDocuments({ ids: [1, 2] }, { ids: [2, 1] })).toEqual([
      { path: ['ids'], kind: 'changed', before: [1, 2], after: [2, 1] },
    ]);
  });

  it('compares lists of objects by position (counted from 1) and spells out added objects', () => {
    const level = { metric: 'resolution', trigger: { type: 'at_due' } };
    expect(diffDocuments({ escalations: [] }, { escalations: [level] })).toEqual([
      { path: ['escalations', 1, 'metric'], kind: 'added', after: 'resolution' },
      { path: ['escalations', 1, 'trigger', 'type'], kind: 'added', after: 'at_due' },
    ]);
    expect(diffDocuments(null, { a: 1 })).toEqual([{ path: ['a'], kind: 'added', after: 1 }]);
    expect(diffDocuments({ a: 1 }, null)).toEqual([{ path: ['a'], kind: 'removed', before: 1 }]);
    expect(diffDocuments({ a: { b: [1] } }, { a: { b: [1] } })).toEqual([]);
  });

  it('leaves out empty objects, empty lists and nulls of an added or removed value', () => {
    expect(
      diffDocuments(null, { match: {}, calendar: null, pauseStatusIds: [], escalations: [], name: 'A' }),
    ).toEqual([{ path: ['name'], kind: 'added', after: 'A' }]);
    expect(diffDocuments({ policies: [{ match: {}, key: 'a' }] }, { policies: [] })).toEqual([
      { path: ['policies', 1, 'key'], kind: 'removed', before: 'a' },
    ]);
  });
});
