import { Readable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { signAnswers } from '../../src/host/bridge/answer-signer';
import { BRIDGE_HEADERS, signBridgeAnswer } from '../../src/host/bridge/bridge-signature';

const SECRET = '0123456789abcdef'.repeat(4);
const NONCE = '00112233445566778899aabbccddeeff';

/** An app whose every answer is signed for NONCE, as the signature gate does after admitting. */
function app(route: (app: express.Express) => void): express.Express {
  const a = express();
  a.use((_req, res, next) => {
    signAnswers(res, SECRET, NONCE);
    next();
  });
  route(a);
  return a;
}

function expectSigned(res: request.Response, body: Buffer | string): void {
  expect(res.headers[BRIDGE_HEADERS.answerSignature]).toBe(
    signBridgeAnswer(SECRET, { nonce: NONCE, status: res.status, body }),
  );
}

describe('signAnswers', () => {
  it('signs a JSON answer over status and exact bytes, Content-Length kept', async () => {
    const res = await request(app((a) => a.get('/', (_q, r) => void r.status(201).json({ g: 'Grüße' })))).get(
      '/',
    );
    expect(res.status).toBe(201);
    expect(res.text).toBe('{"g":"Grüße"}');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    expectSigned(res, res.text);
  });

  it('signs a redirect and a 404', async () => {
    const a = app((x) => x.post('/go', (_q, r) => r.redirect(303, '/admin/sla_vigil/monitor')));
    const go = await request(a).post('/go');
    expect(go.status).toBe(303);
    expectSigned(go, go.text);
    const missing = await request(a).get('/nothing');
    expect(missing.status).toBe(404);
    expectSigned(missing, missing.text);
  });

  it('buffers a piped body (write calls) and gives it a Content-Length', async () => {
    const res = await request(
      app((a) =>
        a.get('/csv', (_q, r) => {
          r.setHeader('Content-Type', 'text/csv');
          Readable.from(['a,b\n', '1,2\n', '3,4\n']).pipe(r);
        }),
      ),
    ).get('/csv');
    expect(res.text).toBe('a,b\n1,2\n3,4\n');
    expect(res.headers['content-length']).toBe('12');
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expectSigned(res, 'a,b\n1,2\n3,4\n');
  });

  it('holds an explicit writeHead back until the signature is set', async () => {
    const res = await request(
      app((a) =>
        a.get('/raw', (_q, r) => {
          r.writeHead(202, { 'Content-Type': 'text/plain' });
          r.write('part one, ');
          r.end('part two');
        }),
      ),
    ).get('/raw');
    expect(res.status).toBe(202);
    expect(res.text).toBe('part one, part two');
    expectSigned(res, 'part one, part two');
  });

  it('signs a HEAD answer over the empty body', async () => {
    const res = await request(app((a) => a.get('/', (_q, r) => void r.send('<p>page</p>')))).head('/');
    expect(res.status).toBe(200);
    expectSigned(res, '');
  });
});
