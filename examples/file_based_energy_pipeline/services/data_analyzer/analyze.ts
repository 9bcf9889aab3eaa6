// The analysis: each reading's efficiency (active power over apparent power, P / (V * I)) and an anomaly flag for a
// reading whose efficiency lies more than `threshold` standard deviations from the mean of the file. A metering
// spike reports more power than voltage and current allow, so its efficiency stands far above the rest.
// Three passes over the readings (efficiencies and their mean, the spread, the flags), each linear: a million
// readings take about a second.
import { round, type AnalyzedRecord, type EnergyRecord } from '../../lib/records.js';

export interface Analysis {
  records: AnalyzedRecord[];
  anomalyCount: number;
  /** Mean efficiency of the normal readings (anomalies would push it above 1), 4 decimals. */
  averageEfficiency: number;
}

export function efficiency(record: EnergyRecord): number {
  const apparent = record.voltage * record.current;
  return apparent > 0 ? round((record.power_consumption * 1000) / apparent, 4) : 0;
}

export function analyze(input: EnergyRecord[], threshold: number): Analysis {
  const n = input.length;
  const efficiencies = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    efficiencies[i] = efficiency(input[i]!);
    sum += efficiencies[i]!;
  }
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (efficiencies[i]! - mean) ** 2;
  const std = n > 0 ? Math.sqrt(squares / n) : 0;
  const records: AnalyzedRecord[] = new Array<AnalyzedRecord>(n);
  let normalSum = 0;
  let normal = 0;
  for (let i = 0; i < n; i++) {
    const { timestamp, household_id, power_consumption, voltage, current } = input[i]!;
    const e = efficiencies[i]!;
    // With no spread at all nothing stands out.
    const is_anomaly = std > 0 && Math.abs(e - mean) / std > threshold;
    records[i] = { timestamp, household_id, power_consumption, voltage, current, efficiency: e, is_anomaly };
    if (!is_anomaly) {
      normalSum += e;
      normal++;
    }
  }
  return {
    records,
    anomalyCount: n - normal,
    averageEfficiency: normal > 0 ? round(normalSum / normal, 4) : 0,
  };
}
