import { relaunchFlags, SCAN_PROCESS_NODE_FLAGS } from '../../src/scan/scan-process-heap';

describe('relaunchFlags: which commands the launcher starts again with a bounded heap', () => {
  it('the commands that run scans (worker, scan, serve) get the scan process flags', () => {
    for (const command of ['worker', 'scan', 'serve'])
      expect(relaunchFlags(command, {}, [])).toEqual(SCAN_PROCESS_NODE_FLAGS);
    expect(SCAN_PROCESS_NODE_FLAGS).toEqual(['--max-old-space-size=512']);
  });

  it('other commands, and no command, run in the launcher itself', () => {
    for (const command of ['migrate', 'status', 'config', 'ticket', 'devhost', 'demo', undefined])
      expect(relaunchFlags(command, {}, [])).toBeNull();
  });

  it("the user's NODE_OPTIONS or node flags win, and a relaunched process never relaunches", () => {
    expect(relaunchFlags('worker', { NODE_OPTIONS: '--max-old-space-size=2048' }, [])).toBeNull();
    expect(relaunchFlags('worker', {}, ['--inspect'])).toBeNull();
    expect(relaunchFlags('worker', { SLA_VIGIL_RELAUNCHED: '1' }, [])).toBeNull();
    expect(relaunchFlags('worker', { NODE_OPTIONS: ' ' }, [])).toEqual(SCAN_PROCESS_NODE_FLAGS);
  });
});
