// Synthetic meter readings, the same for the same seed on every machine (a seeded PRNG, fixed start time, rounded
// values), so that tests and demos can state exact results. About 5% of the readings are metering spikes: the
// reported power is 2.5 to 3.5 times what voltage and current allow, which data_analyzer should flag.
import { round, type EnergyRecord } from '../../lib/records.js';

export const START = Date.UTC(2024, 0, 1);
export const INTERVAL_MS = 15 * 60_000;
export const HOUSEHOLDS = 10;
export const SPIKE_PROBABILITY = 0.05;

/** mulberry32: a small, fast 32-bit PRNG; uniform in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` readings, one per 15 minutes from 2024-01-01T00:00Z, households H001..H010 in turn. */
export function generateRecords(count: number, seed: number): EnergyRecord[] {
  const random = prng(seed);
  const records: EnergyRecord[] = [];
  for (let i = 0; i < count; i++) {
    const voltage = round(225 + random() * 10, 1);
    const current = round(2 + random() * 18, 2);
    const powerFactor = 0.8 + random() * 0.19;
    let power = (voltage * current * powerFactor) / 1000;
    if (random() < SPIKE_PROBABILITY) power *= 2.5 + random();
    records.push({
      timestamp: new Date(START + i * INTERVAL_MS).toISOString().replace('.000Z', 'Z'),
      household_id: `H${String((i % HOUSEHOLDS) + 1).padStart(3, '0')}`,
      power_consumption: round(power, 3),
      voltage,
      current,
    });
  }
  return records;
}
