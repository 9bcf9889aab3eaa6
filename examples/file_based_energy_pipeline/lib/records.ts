// The files that travel between the services: energy readings (CSV or JSON, written by data_generator) and analyzed
// readings (CSV, written by data_analyzer). Reading checks every row, so a broken file is reported with its line
// instead of turning into NaN further down the pipeline.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { RpcError } from './serve.js';

/** One meter reading of one household for a 15-minute interval. */
export interface EnergyRecord {
  /** ISO 8601, UTC. */
  timestamp: string;
  household_id: string;
  /** Average active power over the interval, kW. */
  power_consumption: number;
  /** Volts. */
  voltage: number;
  /** Amperes. */
  current: number;
}

export interface AnalyzedRecord extends EnergyRecord {
  /** Active power over apparent power (the power factor): above 1 is physically impossible, a metering fault. */
  efficiency: number;
  is_anomaly: boolean;
}

export const RECORD_COLUMNS = ['timestamp', 'household_id', 'power_consumption', 'voltage', 'current'] as const;
export const ANALYZED_COLUMNS = [...RECORD_COLUMNS, 'efficiency', 'is_anomaly'] as const;
const NUMERIC = new Set(['power_consumption', 'voltage', 'current', 'efficiency']);

/** Rounds to `digits` decimals, so that files and messages carry stable, readable numbers. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function toCsv<Row extends object>(columns: readonly (keyof Row & string)[], rows: Row[]): string {
  const lines: string[] = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => String(row[c])).join(','));
  return lines.join('\n') + '\n';
}

function readText(path: string, field: string): string {
  if (!existsSync(path)) throw new RpcError(grpc.status.NOT_FOUND, `${field}: no such file ${basename(path)}`);
  return readFileSync(path, 'utf8');
}

function bad(path: string, where: string, what: string): RpcError {
  return new RpcError(grpc.status.INVALID_ARGUMENT, `${basename(path)} ${where}: ${what}`);
}

/** Checks and converts one row given as strings (CSV) or values (JSON). */
function parseRow(raw: Record<string, unknown>, columns: readonly string[], path: string, where: string) {
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    const value = raw[column];
    if (value === undefined || value === '') throw bad(path, where, `missing ${column}`);
    if (NUMERIC.has(column)) {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) throw bad(path, where, `${column} "${String(value)}" is not a number`);
      row[column] = n;
    } else if (column === 'is_anomaly') {
      if (value !== 'true' && value !== 'false' && typeof value !== 'boolean') {
        throw bad(path, where, `is_anomaly "${String(value)}" is not true or false`);
      }
      row[column] = value === true || value === 'true';
    } else {
      row[column] = String(value);
    }
  }
  return row;
}

function parseCsv(text: string, columns: readonly string[], path: string): Record<string, unknown>[] {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const header = lines[0]?.split(',') ?? [];
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw bad(path, 'line 1', `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j]]));
    return parseRow(raw, columns, path, `line ${i + 2}`);
  });
}

/** Reads readings written by data_generator: .csv, or .json (an array of objects). */
export function readRecords(path: string, field: string): EnergyRecord[] {
  const text = readText(path, field);
  if (path.endsWith('.json')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw bad(path, 'content', `invalid JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(data)) throw bad(path, 'content', 'expected an array of readings');
    return data.map((item: unknown, i) => {
      if (typeof item !== 'object' || item === null) throw bad(path, `item ${i}`, 'expected an object');
      return parseRow(item as Record<string, unknown>, RECORD_COLUMNS, path, `item ${i}`) as unknown as EnergyRecord;
    });
  }
  return parseCsv(text, RECORD_COLUMNS, path) as unknown as EnergyRecord[];
}

/** Reads readings written by data_analyzer (CSV). */
export function readAnalyzed(path: string, field: string): AnalyzedRecord[] {
  return parseCsv(readText(path, field), ANALYZED_COLUMNS, path) as unknown as AnalyzedRecord[];
}
