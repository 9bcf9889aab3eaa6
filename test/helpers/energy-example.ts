// What the energy pipeline example (examples/file_based_energy_pipeline) answers with its defaults (100 readings,
// seed 42): its data are deterministic, so every test that runs it (`aieffect run`, the four phases) expects exactly
// these results.

export const ENERGY_RESULTS = {
  'data_analyzer1:AnalyzeData': {
    analyzed_file_path: 'analyzed_energy_data.csv',
    total_records: 100,
    anomaly_count: 7,
    average_efficiency: 0.8974,
    anomaly_threshold: 2,
    report_format: 'json',
  },
  'data_generator1:GenerateData': {
    file_path: 'energy_data.csv',
    record_count: 100,
    output_format: 'csv',
    seed: 42,
    anomaly_threshold: 2,
    report_format: 'json',
  },
  'input_provider1:GetConfiguration': {
    num_records: 100,
    output_format: 'csv',
    anomaly_threshold: 2,
    report_format: 'json',
    seed: 42,
  },
  'report_generator1:GenerateReport': {
    report_path: 'energy_report.json',
    report_format: 'json',
    summary: {
      total_records: 100,
      anomaly_count: 7,
      anomaly_rate: 0.07,
      average_efficiency: 0.8974,
      average_power_consumption: 2.433,
      peak_power_consumption: 8.004,
      total_energy_kwh: 60.824,
      household_count: 10,
      period_start: '2024-01-01T00:00:00Z',
      period_end: '2024-01-02T00:45:00Z',
    },
  },
};
