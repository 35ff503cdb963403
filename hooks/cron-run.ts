import type { HookFactory } from './hook-deps';

/** Every host cron tick asks for one scan; the queue deduplicates ticks that pile up. */
const cronRun: HookFactory<'after_cron_run'> =
  ({ recorder, requestScan }) =>
  () =>
    recorder.guarded('after_cron_run', null, requestScan);
export default cronRun;
