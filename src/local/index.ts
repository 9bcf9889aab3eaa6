// The embedded runtime: a use case's services as local processes (no Docker), for `aieffect run`.
export { runUseCaseLocally, DATA_SUBDIR, type LocalRun, type LocalRunOptions } from './session.js';
export {
  startLocalServices,
  assignPorts,
  localAddresses,
  LocalServices,
  LOCAL_HOST,
  DEFAULT_GRACE_MS,
  type LocalEvent,
  type LocalServiceInfo,
  type LocalServiceSpec,
  type StartOptions,
} from './runtime.js';
export { localServiceSpecs, type UseCaseNode } from './specs.js';
export { waitForAddress, type ReadyVia, type Readiness } from './health.js';
export { describeExit, groupAlive, type ExitInfo } from './process.js';
