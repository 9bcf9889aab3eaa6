// The embedded runtime: a use case's services as local processes (no Docker), for `aieffect run`.
export { runUseCaseLocally, type LocalRun, type LocalRunOptions } from './session.js';
export {
  startLocalServices,
  type LocalServices,
  type LocalEvent,
  type LocalServiceInfo,
  type LocalServiceSpec,
  type StartOptions,
} from './runtime.js';
export { localServiceSpecs, type LocalServicePlan, type UseCaseNode } from './specs.js';
export { runBuilds, type BuildMode, type BuildEvent } from './build.js';
export type { ExitInfo } from './process.js';
