import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/notify/webhook/webhook-signature';

/** One post a receiver got: its raw body, headers and whether the signature verified. */
export interface ReceivedPost {
  body: string;
  headers: http.IncomingHttpHeaders;
  verified: boolean;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: it verifies every post's signature with
 * `secret` (as a real receiver would) and answers with what `answer` says, in order (the last
 * answer repeats).
 */
export async function startWebhookReceiver(
  secret: string,
  answers: { status: number; body?: string; delayMs?: number; headers?: Record<string, string> }[] = [
    { status: 200, body: 'ok' },
  ],
) {
  const posts: ReceivedPost[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verifyWebhookSignature(
        secret,
        {
          timestamp: req.headers['x-sla-vigil-timestamp'] as string | undefined,
          signature: req.headers['x-sla-vigil-signature'] as string | undefined,
        },
        body,
        new Date(),
        // Tests may run on a fixed clock far from the wall clock.
        Number.MAX_SAFE_INTEGER,
      );
      posts.push({ body, headers: req.headers, verified });
      const answer = answers[Math.min(n++, answers.length - 1)];
      const send = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
