// input_provider: the first node of the pipeline. GetConfiguration answers with the run's complete, checked settings
// (config.ts); defaults.json beside this file holds the defaults, so they change without touching code.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { RpcError, log, main, unary, useCaseFile } from '../../lib/serve.js';
import { problems, resolveConfiguration, type Configuration } from './config.js';

const NAME = 'input_provider';

const defaultsFile = useCaseFile('services/input_provider/defaults.json');
const defaults = JSON.parse(readFileSync(defaultsFile, 'utf8')) as Configuration;
const wrong = problems(defaults);
// A broken defaults file is the operator's mistake: refuse to start rather than fail every call.
if (wrong.length > 0) throw new Error(`${defaultsFile}: ${wrong.join('; ')}`);

main({
  name: NAME,
  protoFile: useCaseFile('services/input_provider/proto/input_provider.proto'),
  service: 'input_provider.InputProvider',
  handlers: {
    GetConfiguration: unary(NAME, 'GetConfiguration', (request: Configuration): Configuration => {
      const config = resolveConfiguration(request, defaults);
      const invalid = problems(config);
      if (invalid.length > 0) throw new RpcError(grpc.status.INVALID_ARGUMENT, invalid.join('; '));
      log(NAME, `GetConfiguration: ${JSON.stringify(config)}`);
      return config;
    }),
  },
});
