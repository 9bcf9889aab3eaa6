// Names checked at the edge of export: a package must not carry a container, service or image name that `build`,
// `compose` or Docker itself would refuse later (or, for a name like `$(id)`, run as shell syntax). Every name is
// checked against Docker's rules before anything is written, and the error names the offender and where it comes from.
import { join } from 'node:path';
import { UserError } from '../errors.js';
import {
  addressKind,
  containerNameProblem,
  imageReferenceProblem,
  serviceNameProblem,
} from '../deploy/docker-names.js';
import { pointer } from '../deploy/pointer.js';
import { SERVICES_DIR, type UseCase } from '../usecase/load.js';
import { displayPath } from '../util/paths.js';

/**
 * Thrown (UserError, exit 1): INVALID_SERVICE_NAME for a compose service name Docker Compose refuses or that cannot
 * be a host name (it is the address in dockerinfo.json), INVALID_CONTAINER_NAME for a services/ folder whose container
 * name (`<folder>1`) Docker refuses, INVALID_IMAGE_NAME for an image name (`<use_case>-<service>:latest`) Docker
 * refuses (capitals, non-ASCII, over-long).
 */
export function checkExportNames(useCase: UseCase): void {
  const composeLabel = displayPath(useCase.composePath);
  for (const s of useCase.services) {
    const at = pointer('services', s.composeService);
    const serviceProblem =
      serviceNameProblem(s.composeService) ??
      (addressKind(s.composeService) === 'hostname'
        ? undefined
        : 'it is the address in dockerinfo.json, so it must be a host name: labels of letters, digits, "-" and "_", at most 63 characters each');
    if (serviceProblem) {
      throw new UserError(
        'INVALID_SERVICE_NAME',
        `${composeLabel} ${at}: service name ${JSON.stringify(s.composeService)} cannot be exported (${serviceProblem})`,
        { file: composeLabel, pointer: at, hint: 'rename the service in docker-compose.yml (and in connections.json)' },
      );
    }
    const containerProblem = containerNameProblem(s.containerName);
    if (containerProblem) {
      const folder = displayPath(join(useCase.dir, SERVICES_DIR, s.folder));
      throw new UserError(
        'INVALID_CONTAINER_NAME',
        `${folder}: the folder name gives the container name ${JSON.stringify(s.containerName)}, which is not a valid Docker container name (${containerProblem})`,
        { file: folder, hint: 'rename the folder: letters, digits, "_", "." and "-", starting with a letter or digit' },
      );
    }
    const imageProblem = imageReferenceProblem(s.image);
    if (imageProblem) {
      throw new UserError(
        'INVALID_IMAGE_NAME',
        `${composeLabel} ${at}: service ${JSON.stringify(s.composeService)} gives the image name ${JSON.stringify(s.image)}, which is not a valid Docker image name (${imageProblem})`,
        {
          file: composeLabel,
          pointer: at,
          hint: 'rename the service (or the use case folder): lowercase letters, digits, "_" and "-"',
        },
      );
    }
  }
}
