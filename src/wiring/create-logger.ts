import pino, { type Logger } from 'pino';
import PinoPretty from 'pino-pretty';

/** Where a process logs: 1 (stdout, the demo) or 2 (stderr, the command line, whose stdout is data). */
export type LogFd = 1 | 2;

/**
 * Readable lines for a person at a terminal, JSON for machines: pretty when NODE_ENV is not
 * `production` and the log goes to a terminal, or when LOG_PRETTY=1 asks for it; LOG_PRETTY=0
 * keeps JSON at a terminal too. Production is always JSON (log collectors parse it).
 */
export function wantsPrettyLogs(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NODE_ENV === 'production') return false;
  if (env.LOG_PRETTY === '1') return true;
  if (env.LOG_PRETTY === '0') return false;
  return isTTY;
}

/** The process's pino logger, pretty or JSON as above. */
export function createProcessLogger(
  { level, fd }: { level: string; fd: LogFd },
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const stream = fd === 1 ? process.stdout : process.stderr;
  const options = { level };
  if (!wantsPrettyLogs(env, stream.isTTY === true)) return pino(options, pino.destination(fd));
  // Synchronous: a command that ends with process.exit loses no line.
  return pino(
    options,
    PinoPretty({
      destination: fd,
      sync: true,
      colorize: stream.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
    }),
  );
}
