// `--container-port [container=]N`, shared by the deployment commands (compose, and kube once it exists): which port a
// container listens on when its image follows neither the AI-Effect nor the Graphene convention (src/deploy/ports.ts).
import * as Flags from '@oclif/core/flags';
import { UserError } from '../errors.js';
import type { ContainerPortOverride } from '../deploy/ports.js';

/** One flag value: `8061` (every container) or `sudoku-gui-stream1=8061` (one). Thrown: a usage error (exit 2). */
export function parseContainerPort(value: string): ContainerPortOverride {
  const eq = value.lastIndexOf('=');
  const container = eq < 0 ? undefined : value.slice(0, eq);
  const portText = eq < 0 ? value : value.slice(eq + 1);
  if (container === '' || !/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new UserError(
      'INVALID_CONTAINER_PORT',
      `--container-port ${value}: expected [container=]PORT, PORT from 1 to 65535`,
      {
        exit: 2,
        hint: 'e.g. --container-port 8061 (every container) or --container-port my-model1=9000 (one)',
      },
    );
  }
  return container === undefined ? { port: Number(portText) } : { container, port: Number(portText) };
}

/** The parsed values of the flag (undefined: not given). */
export function parseContainerPorts(values: readonly string[] | undefined): ContainerPortOverride[] {
  return (values ?? []).map(parseContainerPort);
}

// A plain string flag parsed by the command (parseContainerPorts), so the error keeps its own wording instead of
// oclif's "Parsing --container-port ..." prefix.
export const containerPortFlag = Flags.string({
  multiple: true,
  helpValue: '<[container=]port>',
  summary: 'The port a container listens on, instead of the package convention. Repeatable.',
  description:
    'A bare port applies to every container, container=port to one (it wins over the bare port). Without it, ' +
    'AI-Effect services listen on their dockerinfo.json port (given to them as GRPC_PORT) and Graphene/AI4EU ' +
    'images on 8061 (web UI 8062).',
});
