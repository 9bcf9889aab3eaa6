// What the polyglot example (examples/polyglot_pipeline) answers with its defaults (3 sensors, 24 samples each, seed
// 7): deterministic, so every test that runs it (locally, in containers) expects exactly these results.

export const POLYGLOT_RESULTS = {
  'sensor_source1:ReadSensors': { file_path: 'readings.csv', sample_count: 72, sensor_count: 3 },
  'statistics1:Summarize': {
    summary_path: 'statistics.json',
    sample_count: 72,
    sensor_count: 3,
    mean_temperature: 19.303,
    min_temperature: 14.06,
    max_temperature: 24.48,
    warmest_sensor: 'S3',
    sensors: [
      { sensor_id: 'S1', samples: 24, mean: 17.985, min: 14.06, max: 21.99 },
      { sensor_id: 'S2', samples: 24, mean: 19.807, min: 15.24, max: 23.61 },
      { sensor_id: 'S3', samples: 24, mean: 20.117, min: 15.57, max: 24.48 },
    ],
  },
};
