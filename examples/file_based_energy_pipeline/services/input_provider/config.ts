// The run's settings: the caller's values over defaults.json, and the checks that stop a wrong value at the first
// node, with a message naming the field, before any data is written.

export interface Configuration {
  num_records: number;
  output_format: string;
  anomaly_threshold: number;
  report_format: string;
  seed: number;
}

export const OUTPUT_FORMATS = ['csv', 'json'];
export const REPORT_FORMATS = ['csv', 'json', 'html'];
export const MAX_RECORDS = 1_000_000;
const MAX_SEED = 0xffffffff;

/** The problems of a configuration, one phrase each (`report_format "pdf" is not one of csv, json, html`). */
export function problems(config: Configuration): string[] {
  const out: string[] = [];
  if (!Number.isInteger(config.num_records) || config.num_records < 1 || config.num_records > MAX_RECORDS)
    out.push(`num_records ${config.num_records} is not between 1 and ${MAX_RECORDS}`);
  if (!OUTPUT_FORMATS.includes(config.output_format))
    out.push(`output_format "${config.output_format}" is not one of ${OUTPUT_FORMATS.join(', ')}`);
  if (!(config.anomaly_threshold > 0)) out.push(`anomaly_threshold ${config.anomaly_threshold} is not above 0`);
  if (!REPORT_FORMATS.includes(config.report_format))
    out.push(`report_format "${config.report_format}" is not one of ${REPORT_FORMATS.join(', ')}`);
  if (!Number.isInteger(config.seed) || config.seed < 1 || config.seed > MAX_SEED)
    out.push(`seed ${config.seed} is not between 1 and ${MAX_SEED}`);
  return out;
}

/** The request's fields over the defaults. proto3 cannot tell 0 or "" from "not given", so those take the default. */
export function resolveConfiguration(request: Configuration, defaults: Configuration): Configuration {
  return {
    num_records: request.num_records || defaults.num_records,
    output_format: request.output_format || defaults.output_format,
    anomaly_threshold: request.anomaly_threshold || defaults.anomaly_threshold,
    report_format: request.report_format || defaults.report_format,
    seed: request.seed || defaults.seed,
  };
}
