// What every deployment generator (compose, kube) needs of a blueprint before it can run it: at least one node, and
// for each an image with a name Docker and Kubernetes accept. Checked here so both refuse the same packages with the
// same words.
import { UserError } from '../errors.js';
import type { Blueprint, BlueprintNode } from '../platform/types.js';
import { imageReferenceProblem } from './docker-names.js';
import { pointer } from './pointer.js';

/**
 * The image of node `index` of the blueprint (`blueprintLabel` names the file in messages). Thrown: UserError
 * NODE_WITHOUT_IMAGE or INVALID_IMAGE_NAME, pointing at the node.
 */
export function nodeImage(node: BlueprintNode, index: number, blueprintLabel: string): string {
  const nodeAt = pointer('nodes', index);
  if (node.image === undefined || node.image.trim() === '') {
    throw new UserError(
      'NODE_WITHOUT_IMAGE',
      `${blueprintLabel} ${nodeAt}: node ${JSON.stringify(node.container_name)} has no image`,
      {
        file: blueprintLabel,
        pointer: `${nodeAt}/image`,
        hint: 'each node needs the Docker image it runs; `aieffect export` writes <use_case>-<service>:latest',
      },
    );
  }
  const problem = imageReferenceProblem(node.image);
  if (problem) {
    throw new UserError(
      'INVALID_IMAGE_NAME',
      `${blueprintLabel} ${nodeAt}/image: ${JSON.stringify(node.image)} is not a valid Docker image name (${problem})`,
      { file: blueprintLabel, pointer: `${nodeAt}/image` },
    );
  }
  return node.image;
}

/** Thrown: UserError NO_NODES when the blueprint has no nodes (`blueprintLabel` names the file). */
export function requireNodes(blueprint: Blueprint, blueprintLabel: string): void {
  if (blueprint.nodes.length > 0) return;
  throw new UserError(
    'NO_NODES',
    `${blueprintLabel} /nodes: the blueprint has no nodes, so there is nothing to deploy`,
    {
      file: blueprintLabel,
      pointer: '/nodes',
    },
  );
}
