// Durations in error messages ("not ready within 2.5 s"), the same wherever a timeout is reported.

/** Whole seconds as "2 s", anything else to a tenth: "2.5 s". */
export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
