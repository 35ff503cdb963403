import { readHostDatetime, readMergedTicketId } from '../../src/host/perfex/host-datetime';

describe('readHostDatetime', () => {
  it.each([
    ['2026-03-03 10:00:00', 'Europe/Berlin', '2026-03-03T09:00:00.000Z'],
    ['2026-03-29 02:30:00', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'], // in the spring gap: moved on
    ['2026-03-03 10:00:00', 'Asia/Tokyo', '2026-03-03T01:00:00.000Z'],
    ['1970-01-01 00:00:00', 'UTC', '1970-01-01T00:00:00.000Z'],
    ['2099-12-31 23:59:59', 'UTC', '2099-12-31T23:59:59.000Z'],
  ])('reads %s in %s', (value, zone, iso) => {
    const read = readHostDatetime(value, zone);
    expect(read.ok && read.at.toISOString()).toBe(iso);
  });

  it.each([
    [null, 'date is empty'],
    [undefined, 'date is empty'],
    ['', 'date is empty'],
    ['0000-00-00 00:00:00', 'zero date "0000-00-00 00:00:00"'],
    ['0000-00-00', 'zero date "0000-00-00"'],
    ['yesterday', 'unparsable date "yesterday"'],
    ['2026-02-30 10:00:00', 'unparsable date "2026-02-30 10:00:00"'],
    ['9999-12-31 23:59:59', 'date "9999-12-31 23:59:59" is outside 1970-2099'],
    ['1000-01-01 00:00:00', 'date "1000-01-01 00:00:00" is outside 1970-2099'],
    ['1969-12-31 23:59:59', 'date "1969-12-31 23:59:59" is outside 1970-2099'],
    [42, 'date is not a datetime (number)'],
    ['x'.repeat(60), `unparsable date "${'x'.repeat(40)}…"`],
  ])('refuses %p: %s', (value, reason) => {
    expect(readHostDatetime(value, 'UTC')).toEqual({ ok: false, reason });
  });
});

describe('readMergedTicketId', () => {
  it.each([
    ['12', 12],
    [' 12 ', 12],
    [7, 7],
    [null, null],
    ['', null],
    ['0', null],
    ['abc', null],
    ['12abc', null],
    ['-3', null],
    ['1e2', null],
    ['0x1f', null],
    ['99999999999', null],
  ])('%p reads as %p', (value, id) => {
    expect(readMergedTicketId(value)).toBe(id);
  });
});
