/** Median wall time of `runs` calls after `warmup` calls, in milliseconds. */
export async function medianMs(fn: () => Promise<unknown>, runs = 15, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** Peak growth of heap + array buffers while `fn` runs, in bytes (sampled every 2 ms). */
export async function peakExtraBytes(fn: () => Promise<unknown>): Promise<number> {
  globalThis.gc?.();
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const base = used();
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, used() - base);
  }, 2);
  await fn();
  clearInterval(timer);
  return Math.max(peak, used() - base);
}

export function report(name: string, product: number, baseline: number, unit: string): void {
  const ratio = baseline / Math.max(product, 1e-9);
  console.log(
    `${name}: product ${product.toFixed(2)} ${unit}, baseline ${baseline.toFixed(2)} ${unit} → baseline/product = ${ratio.toFixed(1)}x`,
  );
}
