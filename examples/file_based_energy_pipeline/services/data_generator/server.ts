// data_generator: GenerateData writes num_records synthetic readings (generate.ts) to the data folder as CSV or JSON
// and answers with the file's path, passing the settings the later services need on.
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { dataDir, messagePath, writeFileAtomic } from '../../lib/data-dir.js';
import { RECORD_COLUMNS, toCsv } from '../../lib/records.js';
import { RpcError, log, main, unary, useCaseFile } from '../../lib/serve.js';
import { generateRecords } from './generate.js';

const NAME = 'data_generator';

interface GenerateDataRequest {
  num_records: number;
  output_format: string;
  seed: number;
  anomaly_threshold: number;
  report_format: string;
}

interface GenerateDataResponse {
  file_path: string;
  record_count: number;
  output_format: string;
  seed: number;
  anomaly_threshold: number;
  report_format: string;
}

function generateData(request: GenerateDataRequest): GenerateDataResponse {
  const { num_records: count, output_format: format, seed } = request;
  if (!(count > 0)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `num_records ${count} is not above 0`);
  if (format !== 'csv' && format !== 'json')
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `output_format "${format}" is not csv or json`);
  const records = generateRecords(count, seed);
  const file = join(dataDir(), `energy_data.${format}`);
  writeFileAtomic(file, format === 'csv' ? toCsv(RECORD_COLUMNS, records) : JSON.stringify(records, null, 2) + '\n');
  log(NAME, `GenerateData: wrote ${records.length} readings (seed ${seed}) to ${messagePath(file)}`);
  return {
    file_path: messagePath(file),
    record_count: records.length,
    output_format: format,
    seed,
    anomaly_threshold: request.anomaly_threshold,
    report_format: request.report_format,
  };
}

main({
  name: NAME,
  protoFile: useCaseFile('services/data_generator/proto/data_generator.proto'),
  service: 'data_generator.DataGenerator',
  handlers: { GenerateData: unary(NAME, 'GenerateData', generateData) },
});
