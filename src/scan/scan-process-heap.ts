/**
 * The V8 heap setting of the processes that run scans (issue 14: a full reconcile of a million
 * tickets under 256 MB RSS). The reconcile streams (its live heap stays around 35-60 MB), but with
 * Node's defaults V8 lets garbage grow the old generation to about four times the live heap before
 * a full collection: 309 MB at a million tickets. V8 grows the heap by a smaller factor when its
 * old space is limited (about 1.4x at 512 MB instead of 4x with the default ~4 GB limit), so the
 * limit below bounds that headroom while leaving about ten times the live heap before running
 * out. BENCHMARKS.md ("Reconcile memory") has the measured peaks and the time it costs.
 *
 * This file is loaded by bin/sla-vigil.js before anything else: it imports nothing.
 */

/** The commands whose process runs scans: the worker, a one-off scan, and serve (its worker). */
export const SCAN_COMMANDS: ReadonlySet<string> = new Set(['worker', 'scan', 'serve']);

/** Node flags the launcher starts a scan process with (unless the user chose their own). */
export const SCAN_PROCESS_NODE_FLAGS: readonly string[] = ['--max-old-space-size=512'];

/** Set in the relaunched process, so it never relaunches again. */
export const RELAUNCHED_ENV = 'SLA_VIGIL_RELAUNCHED';

/**
 * The flags to start `command` again with, or null to run it in this process: other commands,
 * a process already relaunched, and a user who set NODE_OPTIONS or started node with flags of
 * their own (their heap setting, or a debugger, wins).
 */
export function relaunchFlags(
  command: string | undefined,
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[],
): readonly string[] | null {
  if (command === undefined || !SCAN_COMMANDS.has(command)) return null;
  if (env[RELAUNCHED_ENV]) return null;
  if ((env.NODE_OPTIONS ?? '').trim() !== '') return null;
  if (execArgv.length > 0) return null;
  return SCAN_PROCESS_NODE_FLAGS;
}
