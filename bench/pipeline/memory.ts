/** Peak RSS and heap, sampled every 100 ms while a phase runs. */
export function sampleMemory(): { stop(): { peakRssMb: number; peakHeapUsedMb: number; heapAfterGcMb?: number } } {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      // What stays after a full collection: handler state plus this run's own request bodies.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      return { peakRssMb: rss / 2 ** 20, peakHeapUsedMb: heap / 2 ** 20, ...(gc ? { heapAfterGcMb: process.memoryUsage().heapUsed / 2 ** 20 } : {}) };
    },
  };
}
