import type { Agent } from 'undici';
import { checkLiteralHost, guardedLookup } from './address-guard';

/** What the receiver answered: its status and the start of its body (for the delivery log). */
export interface WebhookAnswer {
  statusCode: number;
  /** The first EXCERPT_CHARS characters of the answer, as text. */
  excerpt: string;
}

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  allowPrivateAddress: boolean;
}

/** Enough of an answer to see what went wrong; never the whole of a large page. */
export const EXCERPT_CHARS = 500;
const EXCERPT_BYTES = 4 * EXCERPT_CHARS;

export interface WebhookTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

/**
 * Short, so a dead receiver costs seconds and a post always ends well within the outbox claim
 * lease (one minute): connect 5 s, answer headers 10 s, answer body 10 s.
 */
export const DEFAULT_TIMEOUTS: WebhookTimeouts = { connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000 };

/**
 * Posts webhook bodies with undici (Node's own HTTP engine). Redirects are not followed (a 3xx
 * is an answer like any other), and every connection resolves its host through the address guard
 * unless the endpoint allows private addresses. Network errors and timeouts are thrown.
 */
export class WebhookClient {
  /** Built on the first post: undici (about 6 MB loaded) is no cost to a process that posts none. */
  private agents: { undici: typeof import('undici'); guarded: Agent; open: Agent } | null = null;

  constructor(private readonly timeouts: WebhookTimeouts = DEFAULT_TIMEOUTS) {}

  private connect(): NonNullable<WebhookClient['agents']> {
    if (this.agents) return this.agents;
    const timeouts = this.timeouts;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const undici = require('undici') as typeof import('undici');
    const common = {
      connectTimeout: timeouts.connectMs,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      // One post per connection: a kept-alive socket would skip the next post's address check.
      pipelining: 0,
    };
    this.agents = {
      undici,
      guarded: new undici.Agent({
        ...common,
        connect: { lookup: guardedLookup, timeout: timeouts.connectMs },
      }),
      open: new undici.Agent({ ...common, connect: { timeout: timeouts.connectMs } }),
    };
    return this.agents;
  }

  async post(post: WebhookPost): Promise<WebhookAnswer> {
    const url = new URL(post.url);
    if (!post.allowPrivateAddress) checkLiteralHost(url);
    const { undici, open, guarded } = this.connect();
    const res = await undici.request(url, {
      method: 'POST',
      body: post.body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'SLA-Vigil-Webhook/1',
        // A fresh connection per post (see pipelining above).
        connection: 'close',
        ...post.headers,
      },
      dispatcher: post.allowPrivateAddress ? open : guarded,
    });
    return { statusCode: res.statusCode, excerpt: await readExcerpt(res.body) };
  }

  async close(): Promise<void> {
    if (this.agents) await Promise.all([this.agents.guarded.close(), this.agents.open.close()]);
  }
}

/** Reads at most a few KB of the answer and drops the rest, so a huge answer costs nothing. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= EXCERPT_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS);
}
