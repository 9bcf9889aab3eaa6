// A RunResult as the JSON document users get (stdout with --json, the --output file; schemas/run-result.schema.json):
// bytes fields, which the loader decodes as Buffers, become base64 strings as in proto3's JSON mapping.
import type { Message, RunResult, RunSummary } from './types.js';

/** A deep copy with every Buffer replaced by its base64 text. */
export function jsonSafe<T>(value: T): T {
  if (Buffer.isBuffer(value)) return value.toString('base64') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => jsonSafe(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out as T;
  }
  return value;
}

export interface RunResultDocument {
  results: Record<string, Message | Message[]>;
  summary: RunSummary;
}

export function runResultDocument(result: RunResult): RunResultDocument {
  return { results: jsonSafe(result.results), summary: result.summary };
}

/** The results object as stdout shows it: `{"<container>:<operation>": output, ...}`, two-space indented. */
export function resultsText(result: RunResult): string {
  return JSON.stringify(jsonSafe(result.results), null, 2);
}
