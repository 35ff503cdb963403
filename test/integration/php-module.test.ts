/**
 * The Perfex module (perfex/sla_vigil) tested with php-cli: `php test/php/run.php` lints
 * every PHP file and runs the module against a Perfex stand-in and a real HTTP server.
 * Here Node checks that PHP's signature of a fixed vector is byte for byte what Node's
 * crypto computes, and that the upload zip has the module folder at its root.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { checkBridgeSignature, signBridgeAnswer } from '../../src/host/bridge/bridge-signature';
import { PERFEX_TEMPLATE_DEFAULTS } from '../../src/host/perfex/perfex-email-template-defaults';

const root = path.join(__dirname, '..', '..');
const INSTALL_HINT = 'php is missing: apt-get install php-cli php-mysql php-curl (.ci/run installs them)';

// The same fixed vector as test/php/run.php.
const SECRET = '0123456789abcdef'.repeat(4);
const TIMESTAMP = '1767225600';
const NONCE = '00112233445566778899aabbccddeeff';
const BODY = '{"event":"ticket_created","payload":{"ticket_id":12}}';

function php(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('php', args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(INSTALL_HINT);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Entry names from the zip's central directory, plus each entry's inflated content. */
function readZip(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const data = zip.subarray(dataAt, dataAt + compressed);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('Perfex module (PHP)', () => {
  it('passes its php-cli tests (lint, hooks, payloads, menu, pages proxy, signed HTTP round trip, timeouts)', () => {
    const result = php(['test/php/run.php']);
    const summary = result.stdout.trim().split('\n').pop() ?? '';
    if (result.status !== 0)
      throw new Error(`php test/php/run.php failed:\n${result.stdout}\n${result.stderr}`);
    expect(summary).toMatch(/^[1-9]\d* passed, 0 failed$/);
  });

  it('signs the known vector exactly as Node crypto does', () => {
    const message = ['POST', '/bridge/events', TIMESTAMP, NONCE, BODY].join('\n');
    const node =
      'sha256=' + createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(message, 'utf8').digest('hex');
    expect(node).toBe('sha256=54b1cef115404c681c0a646d5737881f80ca211987b1e0f4d6d448d67cbb2a42');
    const fromPhp = php(['test/php/run.php', '--sign']);
    expect(fromPhp.stderr).toBe('');
    expect(fromPhp.stdout).toBe(node);
    // And the service's own check accepts what the PHP module signed.
    const check = checkBridgeSignature(
      SECRET,
      {
        method: 'POST',
        path: '/bridge/events',
        headers: { timestamp: TIMESTAMP, nonce: NONCE, signature: fromPhp.stdout },
        body: Buffer.from(BODY, 'utf8'),
      },
      Number(TIMESTAMP) + 10,
    );
    expect(check).toEqual({ ok: true, nonce: NONCE, timestamp: Number(TIMESTAMP) });
  });

  it("expects the service's answer signature exactly as the service makes it", () => {
    const fromPhp = php(['test/php/run.php', '--sign-answer']);
    expect(fromPhp.stderr).toBe('');
    expect(fromPhp.stdout).toBe(
      signBridgeAnswer(SECRET, { nonce: NONCE, status: 200, body: '{"condition":"1 = 1"}' }),
    );
    expect(fromPhp.stdout).toBe('sha256=c9254bc80ce42a8a215843325af61bbc7f3ee9e2f7b82bbcf7682e78e27f3297');
  });

  it('registers exactly the email templates the service takes for unedited (same slugs, same text)', () => {
    const fromPhp = php(['test/php/run.php', '--email-template-defaults']);
    expect(fromPhp.stderr).toBe('');
    const registered = JSON.parse(fromPhp.stdout) as Record<string, { subject: string; message: string }>;
    expect(
      Object.fromEntries(
        Object.entries(registered).map(([slug, t]) => [slug, { subject: t.subject, message: t.message }]),
      ),
    ).toEqual(PERFEX_TEMPLATE_DEFAULTS);
  });

  it('npm run package:perfex builds a zip with sla_vigil/ at its root', () => {
    const build = spawnSync(process.execPath, ['scripts/package-perfex.js'], { cwd: root, encoding: 'utf8' });
    expect(build.status).toBe(0);
    const entries = readZip(path.join(root, 'dist', 'perfex', 'sla_vigil.zip'));
    expect(entries.has('sla_vigil/sla_vigil.php')).toBe(true);
    expect([...entries.keys()].every((name) => name.startsWith('sla_vigil/'))).toBe(true);
    expect(entries.get('sla_vigil/sla_vigil.php')?.toString('utf8')).toBe(
      readFileSync(path.join(root, 'perfex', 'sla_vigil', 'sla_vigil.php'), 'utf8'),
    );
    expect(entries.has('sla_vigil/language/german/sla_vigil_lang.php')).toBe(true);
    expect(entries.has('sla_vigil/controllers/Sla_vigil.php')).toBe(true);
    expect(entries.has('sla_vigil/views/page.php')).toBe(true);
    expect(entries.has('sla_vigil/views/widgets/my_risks.php')).toBe(true);
  });
});
