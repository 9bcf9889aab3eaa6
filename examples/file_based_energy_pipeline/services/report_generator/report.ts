// The report: summary statistics of the analyzed readings, per household and overall, rendered as JSON, CSV (one row
// per household and a final ALL row) or a self-contained HTML page.
import { round, type AnalyzedRecord } from '../../lib/records.js';

export interface Summary {
  total_records: number;
  anomaly_count: number;
  anomaly_rate: number;
  average_efficiency: number;
  average_power_consumption: number;
  peak_power_consumption: number;
  total_energy_kwh: number;
  household_count: number;
  period_start: string;
  period_end: string;
}

export interface HouseholdRow {
  household_id: string;
  records: number;
  anomalies: number;
  average_power_consumption: number;
  average_efficiency: number;
  energy_kwh: number;
}

export interface Report {
  anomaly_threshold: number;
  source: string;
  summary: Summary;
  households: HouseholdRow[];
  anomalies: Pick<AnalyzedRecord, 'timestamp' | 'household_id' | 'power_consumption' | 'efficiency'>[];
}

/** Each reading covers 15 minutes: energy = power * 0.25 h. */
const INTERVAL_HOURS = 0.25;

function mean(values: number[]): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

function stats(records: AnalyzedRecord[]) {
  const power = records.map((r) => r.power_consumption);
  return {
    records: records.length,
    anomalies: records.filter((r) => r.is_anomaly).length,
    average_power_consumption: round(mean(power), 3),
    // Anomalies are metering faults: their efficiency says nothing about the household.
    average_efficiency: round(mean(records.filter((r) => !r.is_anomaly).map((r) => r.efficiency)), 4),
    energy_kwh: round(power.reduce((a, b) => a + b, 0) * INTERVAL_HOURS, 3),
  };
}

export function buildReport(records: AnalyzedRecord[], source: string, threshold: number): Report {
  const all = stats(records);
  const byHousehold = new Map<string, AnalyzedRecord[]>();
  for (const r of records) byHousehold.set(r.household_id, [...(byHousehold.get(r.household_id) ?? []), r]);
  const households = [...byHousehold.keys()].sort().map((id) => ({ household_id: id, ...stats(byHousehold.get(id)!) }));
  const times = records.map((r) => r.timestamp).sort();
  return {
    anomaly_threshold: threshold,
    source,
    summary: {
      total_records: all.records,
      anomaly_count: all.anomalies,
      anomaly_rate: all.records > 0 ? round(all.anomalies / all.records, 4) : 0,
      average_efficiency: all.average_efficiency,
      average_power_consumption: all.average_power_consumption,
      peak_power_consumption: records.reduce((a, r) => Math.max(a, r.power_consumption), 0),
      total_energy_kwh: all.energy_kwh,
      household_count: households.length,
      period_start: times[0] ?? '',
      period_end: times[times.length - 1] ?? '',
    },
    households,
    anomalies: records
      .filter((r) => r.is_anomaly)
      .map(({ timestamp, household_id, power_consumption, efficiency }) => ({
        timestamp,
        household_id,
        power_consumption,
        efficiency,
      })),
  };
}

const HOUSEHOLD_COLUMNS = [
  'household_id',
  'records',
  'anomalies',
  'average_power_consumption',
  'average_efficiency',
  'energy_kwh',
] as const;

function csv(report: Report): string {
  const s = report.summary;
  const total: HouseholdRow = {
    household_id: 'ALL',
    records: s.total_records,
    anomalies: s.anomaly_count,
    average_power_consumption: s.average_power_consumption,
    average_efficiency: s.average_efficiency,
    energy_kwh: s.total_energy_kwh,
  };
  return [
    HOUSEHOLD_COLUMNS.join(','),
    ...[...report.households, total].map((row) => HOUSEHOLD_COLUMNS.map((c) => row[c]).join(',')),
  ]
    .join('\n')
    .concat('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(header: readonly string[], rows: (string | number)[][]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(String(v))}</td>`).join('')}</tr>`);
  return `<table>\n<tr>${th}</tr>\n${body.join('\n')}\n</table>`;
}

function html(report: Report): string {
  const s = report.summary;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Energy consumption report</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}</style>
</head>
<body>
<h1>Energy consumption report</h1>
<p>${escapeHtml(`${s.period_start} to ${s.period_end}, source ${report.source}, anomalies beyond ${report.anomaly_threshold} standard deviations of efficiency`)}</p>
<h2>Summary</h2>
${table(['metric', 'value'], Object.entries(s))}
<h2>Households</h2>
${table(
  HOUSEHOLD_COLUMNS,
  report.households.map((h) => HOUSEHOLD_COLUMNS.map((c) => h[c])),
)}
<h2>Anomalies</h2>
${table(
  ['timestamp', 'household_id', 'power_consumption', 'efficiency'],
  report.anomalies.map((a) => [a.timestamp, a.household_id, a.power_consumption, a.efficiency]),
)}
</body>
</html>
`;
}

export function renderReport(report: Report, format: 'csv' | 'json' | 'html'): string {
  if (format === 'csv') return csv(report);
  if (format === 'html') return html(report);
  return JSON.stringify(report, null, 2) + '\n';
}
