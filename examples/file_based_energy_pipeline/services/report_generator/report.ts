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

/** Running totals of a group of readings: one pass over the readings, whatever their number. */
interface Totals {
  records: number;
  anomalies: number;
  power: number;
  /** Efficiency of the normal readings: anomalies are metering faults, which say nothing about the household. */
  efficiency: number;
  normal: number;
}

function totals(): Totals {
  return { records: 0, anomalies: 0, power: 0, efficiency: 0, normal: 0 };
}

function add(t: Totals, r: AnalyzedRecord): void {
  t.records++;
  t.power += r.power_consumption;
  if (r.is_anomaly) t.anomalies++;
  else {
    t.efficiency += r.efficiency;
    t.normal++;
  }
}

function stats(t: Totals) {
  return {
    records: t.records,
    anomalies: t.anomalies,
    average_power_consumption: round(t.records > 0 ? t.power / t.records : 0, 3),
    average_efficiency: round(t.normal > 0 ? t.efficiency / t.normal : 0, 4),
    energy_kwh: round(t.power * INTERVAL_HOURS, 3),
  };
}

/** The report of the analyzed readings, in one pass over them (linear in their number). */
export function buildReport(records: AnalyzedRecord[], source: string, threshold: number): Report {
  const all = totals();
  const byHousehold = new Map<string, Totals>();
  const anomalies: Report['anomalies'] = [];
  let peak = 0;
  let first = '';
  let last = '';
  for (const r of records) {
    add(all, r);
    let household = byHousehold.get(r.household_id);
    if (!household) byHousehold.set(r.household_id, (household = totals()));
    add(household, r);
    if (r.power_consumption > peak) peak = r.power_consumption;
    // ISO 8601 UTC timestamps order as text.
    if (first === '' || r.timestamp < first) first = r.timestamp;
    if (r.timestamp > last) last = r.timestamp;
    if (r.is_anomaly) {
      const { timestamp, household_id, power_consumption, efficiency } = r;
      anomalies.push({ timestamp, household_id, power_consumption, efficiency });
    }
  }
  const households = [...byHousehold.keys()].sort().map((id) => ({ household_id: id, ...stats(byHousehold.get(id)!) }));
  const summary = stats(all);
  return {
    anomaly_threshold: threshold,
    source,
    summary: {
      total_records: summary.records,
      anomaly_count: summary.anomalies,
      anomaly_rate: summary.records > 0 ? round(summary.anomalies / summary.records, 4) : 0,
      average_efficiency: summary.average_efficiency,
      average_power_consumption: summary.average_power_consumption,
      peak_power_consumption: peak,
      total_energy_kwh: summary.energy_kwh,
      household_count: households.length,
      period_start: first,
      period_end: last,
    },
    households,
    anomalies,
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
