import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import { BRIDGE_HEADERS, signBridgeAnswer } from './bridge-signature';

type Callback = (err?: Error | null) => void;

/** Statuses that never carry a body (node drops one), so no Content-Length is added. */
const BODYLESS = new Set([204, 304]);

function bytesOf(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return Buffer.alloc(0);
}

/**
 * From here on, `res` is answered in one piece with `X-SLA-Vigil-Answer-Signature` over the
 * request's nonce, the status and the exact body bytes (signBridgeAnswer). Whatever writes the
 * answer (res.send, res.json, a redirect, a piped CSV, express.static, the error handler) goes
 * through write/end, so they are buffered and the header is set before anything leaves.
 * Bodies are small (pages, fragments, CSVs of a few MB), so nothing is streamed. A writeHead
 * called by a route only sets status and headers; node's own implicit one (at end) goes out.
 */
export function signAnswers(res: Response, secret: string, nonce: string): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const writeHead = res.writeHead.bind(res);
  let finishing = false;

  // A route's explicit writeHead becomes status and headers on `res`: nothing leaves before end.
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (finishing) return (writeHead as (...args: unknown[]) => Response)(status, ...rest);
    res.statusCode = status;
    if (typeof rest[0] === 'string') res.statusMessage = rest.shift() as string;
    const headers = rest[0] as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
    if (Array.isArray(headers)) {
      // Node's flat form: name, value, name, value...
      for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1]);
    } else if (headers) {
      for (const [name, value] of Object.entries(headers))
        if (value !== undefined) res.setHeader(name, value);
    }
    return res;
  }) as Response['writeHead'];

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    if (finishing) return (write as (...args: unknown[]) => boolean)(chunk, encoding, callback);
    chunks.push(bytesOf(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as Callback);
    return true;
  }) as Response['write'];

  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    if (finishing) return (end as (...args: unknown[]) => Response)(chunk, encoding, callback);
    finishing = true;
    let done: unknown = callback;
    if (typeof chunk === 'function') done = chunk;
    else if (typeof encoding === 'function') done = encoding;
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
      chunks.push(bytesOf(chunk, encoding));
    const body = Buffer.concat(chunks);
    const status = res.statusCode;
    res.setHeader(BRIDGE_HEADERS.answerSignature, signBridgeAnswer(secret, { nonce, status, body }));
    // res.send has set the length already; a piped body (CSV, asset without one) gets it here.
    if (
      !res.hasHeader('content-length') &&
      !res.hasHeader('transfer-encoding') &&
      res.req.method !== 'HEAD' &&
      !BODYLESS.has(status)
    )
      res.setHeader('Content-Length', body.length);
    return typeof done === 'function' ? end(body, done as () => void) : end(body);
  }) as Response['end'];
}
