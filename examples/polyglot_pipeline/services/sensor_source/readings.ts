// Synthetic temperature readings, the same for the same seed on every machine: each sensor has its own base level,
// a daily cycle peaking mid-afternoon, and seeded noise; values are rounded to 0.01 °C.

export interface Reading {
  sensor_id: string;
  timestamp: string;
  temperature_c: number;
}

export const START = Date.UTC(2024, 5, 1);
const HOUR_MS = 3_600_000;

/** mulberry32: a small, fast 32-bit PRNG; uniform in [0, 1). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `samples` hourly readings per sensor S1..S<sensors>, sensor by sensor. */
export function generateReadings(sensors: number, samples: number, seed: number): Reading[] {
  const random = prng(seed);
  const readings: Reading[] = [];
  for (let s = 1; s <= sensors; s++) {
    const base = 18 + random() * 6;
    for (let h = 0; h < samples; h++) {
      const daily = 4 * Math.sin(((h - 9) / 24) * 2 * Math.PI);
      const noise = (random() - 0.5) * 1.5;
      readings.push({
        sensor_id: `S${s}`,
        timestamp: new Date(START + h * HOUR_MS).toISOString().replace('.000Z', 'Z'),
        temperature_c: Math.round((base + daily + noise) * 100) / 100,
      });
    }
  }
  return readings;
}
