// The analysis: each reading's efficiency (active power over apparent power, P / (V * I)) and an anomaly flag for a
// reading whose efficiency lies more than `threshold` standard deviations from the mean of the file. A metering
// spike reports more power than voltage and current allow, so its efficiency stands far above the rest.
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
  const efficiencies = input.map(efficiency);
  const n = efficiencies.length;
  const mean = n > 0 ? efficiencies.reduce((a, b) => a + b, 0) / n : 0;
  const std = n > 0 ? Math.sqrt(efficiencies.reduce((a, e) => a + (e - mean) ** 2, 0) / n) : 0;
  const records = input.map((record, i) => ({
    ...record,
    efficiency: efficiencies[i]!,
    // With no spread at all nothing stands out.
    is_anomaly: std > 0 && Math.abs(efficiencies[i]! - mean) / std > threshold,
  }));
  const normal = records.filter((r) => !r.is_anomaly);
  return {
    records,
    anomalyCount: n - normal.length,
    averageEfficiency: normal.length > 0 ? round(normal.reduce((a, r) => a + r.efficiency, 0) / normal.length, 4) : 0,
  };
}
