// The energy example's analysis and report at a size where a quadratic step would show (200,000 readings; the bench
// runs 1,000,000 through the whole pipeline): the one-pass versions give exactly the numbers of the definitions,
// recomputed here the plain way (arrays per household, sorted timestamps).
import { describe, expect, it } from 'vitest';
import { generateRecords } from '../../examples/file_based_energy_pipeline/services/data_generator/generate.js';
import { analyze, efficiency } from '../../examples/file_based_energy_pipeline/services/data_analyzer/analyze.js';
import { buildReport } from '../../examples/file_based_energy_pipeline/services/report_generator/report.js';
import type { AnalyzedRecord } from '../../examples/file_based_energy_pipeline/lib/records.js';

const N = 200_000;
const readings = generateRecords(N, 42);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]) => (values.length > 0 ? sum(values) / values.length : 0);

describe(`energy example at ${N} readings`, () => {
  const analysis = analyze(readings, 2);

  it('analyze: efficiency per reading, anomalies beyond 2 standard deviations, the mean of the normal ones', () => {
    const eff = readings.map(efficiency);
    const m = mean(eff);
    const std = Math.sqrt(sum(eff.map((e) => (e - m) ** 2)) / eff.length);
    const flags = eff.map((e) => Math.abs(e - m) / std > 2);
    expect(analysis.records).toHaveLength(N);
    expect(analysis.records.map((r) => r.efficiency)).toEqual(eff);
    expect(analysis.records.map((r) => r.is_anomaly)).toEqual(flags);
    expect(analysis.records[7]).toEqual({ ...readings[7], efficiency: eff[7], is_anomaly: flags[7] });
    expect(analysis.anomalyCount).toBe(flags.filter(Boolean).length);
    expect(analysis.averageEfficiency).toBe(round(mean(eff.filter((_, i) => !flags[i])), 4));
  });

  it('buildReport: the summary, each household and every anomaly, as the definitions say', () => {
    const report = buildReport(analysis.records, 'analyzed.csv', 2);
    const stats = (rows: AnalyzedRecord[]) => ({
      records: rows.length,
      anomalies: rows.filter((r) => r.is_anomaly).length,
      average_power_consumption: round(mean(rows.map((r) => r.power_consumption)), 3),
      average_efficiency: round(mean(rows.filter((r) => !r.is_anomaly).map((r) => r.efficiency)), 4),
      energy_kwh: round(sum(rows.map((r) => r.power_consumption)) * 0.25, 3),
    });
    const all = stats(analysis.records);
    const times = analysis.records.map((r) => r.timestamp).sort();
    expect(report.summary).toEqual({
      total_records: N,
      anomaly_count: all.anomalies,
      anomaly_rate: round(all.anomalies / N, 4),
      average_efficiency: all.average_efficiency,
      average_power_consumption: all.average_power_consumption,
      peak_power_consumption: analysis.records.reduce((a, r) => Math.max(a, r.power_consumption), 0),
      total_energy_kwh: all.energy_kwh,
      household_count: 10,
      period_start: times[0],
      period_end: times.at(-1),
    });
    const ids = [...new Set(analysis.records.map((r) => r.household_id))].sort();
    expect(report.households).toEqual(
      ids.map((id) => ({ household_id: id, ...stats(analysis.records.filter((r) => r.household_id === id)) })),
    );
    expect(report.anomalies).toEqual(
      analysis.records
        .filter((r) => r.is_anomaly)
        .map(({ timestamp, household_id, power_consumption, efficiency: e }) => ({
          timestamp,
          household_id,
          power_consumption,
          efficiency: e,
        })),
    );
  });

  it('an empty file gives an empty report, not NaN', () => {
    expect(analyze([], 2)).toEqual({ records: [], anomalyCount: 0, averageEfficiency: 0 });
    expect(buildReport([], 'x.csv', 2).summary).toMatchObject({
      total_records: 0,
      anomaly_rate: 0,
      average_efficiency: 0,
      average_power_consumption: 0,
      peak_power_consumption: 0,
      household_count: 0,
      period_start: '',
      period_end: '',
    });
  });
});
