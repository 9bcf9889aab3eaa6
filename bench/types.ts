// One measured figure. Comparisons carry the baseline they were measured against and the ratio value/baseline.
export interface BenchResult {
  id: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  /** The target from the issue, for the table (e.g. "< 300"). */
  target?: string;
}

/** A bench module: bench/<area>.bench.ts exports `run`. */
export type BenchModule = { run: () => Promise<BenchResult[]> };

/** Median of a sample. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
