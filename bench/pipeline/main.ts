/**
 * The pipeline in a process of its own, so its peak memory is the handler's and not the rest of
 * the benchmark's. Takes its options as JSON in argv[2]; reports over IPC.
 */
import { type PipelineOptions, runPipeline } from './pipeline.js';

export type PipelineMessage =
  { type: 'progress'; done: number; total: number } | { type: 'result'; result: Awaited<ReturnType<typeof runPipeline>> } | { type: 'error'; message: string };

const send = (message: PipelineMessage) => process.send?.(message);
const options = JSON.parse(process.argv[2] ?? '{}') as Omit<PipelineOptions, 'onProgress'>;
try {
  let last = 0;
  const result = await runPipeline({
    ...options,
    onProgress: (done, total) => {
      // Progress at most every 100 ms: IPC is not free either.
      if (Date.now() - last < 100 && done < total) return;
      last = Date.now();
      send({ type: 'progress', done, total });
    },
  });
  send({ type: 'result', result });
} catch (error) {
  send({ type: 'error', message: (error as Error).stack ?? String(error) });
  process.exitCode = 1;
}
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- only a process started with an IPC channel has it, whatever its type says.
process.disconnect?.();
