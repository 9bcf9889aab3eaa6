// report_generator: GenerateReport reads the analyzed readings, writes energy_report.<csv|json|html> to the data
// folder (report.ts) and answers with its path and the summary statistics.
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { dataDir, dataPath, messagePath, writeFileAtomic } from '../../lib/data-dir.js';
import { readAnalyzed } from '../../lib/records.js';
import { RpcError, log, main, unary, useCaseFile } from '../../lib/serve.js';
import { buildReport, renderReport, type Summary } from './report.js';

const NAME = 'report_generator';
const FORMATS = ['csv', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface GenerateReportRequest {
  analyzed_file_path: string;
  report_format: string;
  anomaly_threshold: number;
}

interface GenerateReportResponse {
  report_path: string;
  report_format: string;
  summary: Summary;
}

function generateReport(request: GenerateReportRequest): GenerateReportResponse {
  const format = request.report_format as Format;
  if (!FORMATS.includes(format))
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `report_format "${format}" is not one of ${FORMATS.join(', ')}`);
  const source = dataPath(request.analyzed_file_path, 'analyzed_file_path');
  const report = buildReport(
    readAnalyzed(source, 'analyzed_file_path'),
    messagePath(source),
    request.anomaly_threshold,
  );
  const target = join(dataDir(), `energy_report.${format}`);
  writeFileAtomic(target, renderReport(report, format));
  log(
    NAME,
    `GenerateReport: ${report.summary.total_records} readings, ${report.summary.anomaly_count} anomalies -> ${messagePath(target)}`,
  );
  return { report_path: messagePath(target), report_format: format, summary: report.summary };
}

main({
  name: NAME,
  protoFile: useCaseFile('services/report_generator/proto/report_generator.proto'),
  service: 'report_generator.ReportGenerator',
  handlers: { GenerateReport: unary(NAME, 'GenerateReport', generateReport) },
});
