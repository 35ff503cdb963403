import express from 'express';
import request from 'supertest';
import { readCsv } from '../helpers/csv-reader';
import { neutraliseCell, sendCsv, type CsvCell } from '../../src/web/csv';

describe('neutraliseCell', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1+2', `'+1+2`],
    ['-2+3', `'-2+3`],
    ['@SUM(1)', `'@SUM(1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    [' =1 after a space', `' =1 after a space`],
    ['\u00a0 @SUM(1)', `'\u00a0 @SUM(1)`],
  ])('prefixes %j with an apostrophe', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });

  it.each(['Printer broken', '<script>alert(1)</script>', 'a=b', '', 'a; b=c, d-e', 'x;', 'x, ,y'])(
    'leaves %j alone',
    (input) => {
      expect(neutraliseCell(input)).toBe(input);
    },
  );
});

describe('neutraliseCell for spreadsheets that split at ; or ,', () => {
  it.each([
    // Excel with a ; list separator reads `Printer;=cmd()` as two cells: `Printer` and `=cmd()`.
    ['Printer;=cmd()', `Printer;'=cmd()`],
    ['Printer; =cmd()', `Printer;' =cmd()`],
    ['a,+1', `a,'+1`],
    ['a;b;@SUM(1)', `a;b;'@SUM(1)`],
    ['a;\tcmd', `a;'\tcmd`],
    ['a;\r=1', `a;'\r=1`],
    ['=1;-2,@3', `'=1;'-2,'@3`],
    ['x;;=1', `x;;'=1`],
  ])('neutralises every part of %j that starts a formula', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });

  it('leaves no part of the ;-split cell starting like a formula', () => {
    const cell = neutraliseCell('Refund; =HYPERLINK("http://evil");@x, -1');
    for (const part of cell.split(/[;,]/)) expect(part).not.toMatch(/^\s*[=+\-@\t\r]/);
  });
});

describe('sendCsv', () => {
  async function download(header: string[], rows: CsvCell[][]): Promise<request.Response> {
    const app = express();
    app.get('/x.csv', (_req, res, next) => {
      sendCsv(res, 'report 1.csv', header, rows).catch(next);
    });
    return request(app).get('/x.csv').buffer(true);
  }

  it('is a UTF-8 attachment with a BOM, a header row and neutralised, quoted cells', async () => {
    const res = await download(
      ['Subject', 'Client', 'n'],
      [
        ['=HYPERLINK("http://x")', '@SUM(1)', 3],
        ['Grüße, "Kunde"', '-2+3', null],
      ],
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="report_1.csv"');
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const rows: string[][] = readCsv(res.text);
    expect(rows).toEqual([
      ['Subject', 'Client', 'n'],
      [`'=HYPERLINK("http://x")`, `'@SUM(1)`, '3'],
      ['Grüße, "Kunde"', `'-2+3`, ''],
    ]);
  });

  it('streams rows from an async source', async () => {
    async function* rows(): AsyncGenerator<CsvCell[]> {
      for (let i = 0; i < 2000; i++) yield [i, `row ${i}`];
    }
    const app = express();
    app.get('/x.csv', (_req, res, next) => {
      sendCsv(res, 'x.csv', ['i', 'label'], rows()).catch(next);
    });
    const res = await request(app).get('/x.csv').buffer(true);
    const parsed: string[][] = readCsv(res.text);
    expect(parsed).toHaveLength(2001);
    expect(parsed[2000]).toEqual(['1999', 'row 1999']);
  });
});
