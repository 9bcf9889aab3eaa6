// Scaffolding: new use cases (`aieffect init`) and new services (`aieffect add service`) from templates/.
export { initUseCase, INIT_SERVICES, type InitOptions, type InitResult } from './init.js';
export { addService, type AddServiceOptions, type AddServiceResult } from './add-service.js';
export { npmInstall, NPM_INSTALL } from './npm.js';
export { LANGUAGES, LANGUAGE_NAMES, type Lang } from './templates.js';
export type { ServiceNames } from './names.js';
