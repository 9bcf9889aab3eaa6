// data_analyzer: AnalyzeData reads the readings named by file_path, adds efficiency and anomaly flags (analyze.ts),
// writes them as analyzed_<name>.csv to the data folder and answers with the totals.
import { basename, extname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { dataDir, dataPath, messagePath, writeFileAtomic } from '../../lib/data-dir.js';
import { ANALYZED_COLUMNS, readRecords, toCsv } from '../../lib/records.js';
import { RpcError, log, main, unary, useCaseFile } from '../../lib/serve.js';
import { analyze } from './analyze.js';

const NAME = 'data_analyzer';

interface AnalyzeDataRequest {
  file_path: string;
  anomaly_threshold: number;
  report_format: string;
}

interface AnalyzeDataResponse {
  analyzed_file_path: string;
  total_records: number;
  anomaly_count: number;
  average_efficiency: number;
  anomaly_threshold: number;
  report_format: string;
}

function analyzeData(request: AnalyzeDataRequest): AnalyzeDataResponse {
  const threshold = request.anomaly_threshold;
  if (!(threshold > 0))
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `anomaly_threshold ${threshold} is not above 0`);
  const source = dataPath(request.file_path, 'file_path');
  const analysis = analyze(readRecords(source, 'file_path'), threshold);
  const target = join(dataDir(), `analyzed_${basename(source, extname(source))}.csv`);
  writeFileAtomic(target, toCsv(ANALYZED_COLUMNS, analysis.records));
  log(
    NAME,
    `AnalyzeData: ${analysis.records.length} readings, ${analysis.anomalyCount} anomalies beyond ${threshold} standard deviations -> ${messagePath(target)}`,
  );
  return {
    analyzed_file_path: messagePath(target),
    total_records: analysis.records.length,
    anomaly_count: analysis.anomalyCount,
    average_efficiency: analysis.averageEfficiency,
    anomaly_threshold: threshold,
    report_format: request.report_format,
  };
}

main({
  name: NAME,
  protoFile: useCaseFile('services/data_analyzer/proto/data_analyzer.proto'),
  service: 'data_analyzer.DataAnalyzer',
  handlers: { AnalyzeData: unary(NAME, 'AnalyzeData', analyzeData) },
});
