/**
 * A progress estimate for models that report none: elapsed time against the model's typical
 * duration, on a curve that slows down as it nears the end and never claims to be finished
 * (1–95 %). Marked `estimated: true` wherever it is shown.
 */
export function estimateProgress(elapsedMs: number, typicalSeconds: number): number {
  const ratio = Math.max(0, elapsedMs) / (Math.max(1, typicalSeconds) * 1000);
  // 1 - e^(-2x): ~86 % at the typical duration, then creeping towards (never past) 95 %.
  const value = 95 * (1 - Math.exp(-2 * ratio));
  return Math.max(1, Math.min(95, Math.round(value)));
}
