// The export package: the contract with the Eclipse Graphene / AI4EU Experiments platform. These types mirror
// schemas/blueprint.schema.json and schemas/dockerinfo.schema.json; data reaching them has been validated.

export interface OperationSignature {
  operation_name: string;
  input_message_name?: string;
  output_message_name?: string;
  input_message_stream?: boolean;
  output_message_stream?: boolean;
}

export interface Link {
  container_name: string;
  operation_signature: { operation_name: string };
}

export interface Operation {
  operation_signature: OperationSignature;
  connected_to?: Link[];
}

export interface BlueprintNode {
  container_name: string;
  node_type?: string;
  image?: string;
  proto_uri?: string;
  operation_signature_list: Operation[];
}

export interface Blueprint {
  name?: string;
  version?: string;
  type?: string;
  pipeline_id?: string;
  creation_date?: string;
  description?: string;
  input_ports?: unknown[];
  probeIndicator?: { value?: string }[];
  nodes: BlueprintNode[];
}

export interface DockerInfoEntry {
  container_name: string;
  ip_address: string;
  /** A string in aieffect's export, a number in the platform's. */
  port: string | number;
}

export interface DockerInfo {
  docker_info_list: DockerInfoEntry[];
}

export interface GenerationMetadata {
  generator: 'aieffect';
  generator_version: string;
  pipeline_id: string;
  pipeline_name: string;
  creation_date: string;
  source: { use_case: string };
  services: {
    folder: string;
    compose_service: string;
    container_name: string;
    image: string;
    proto: string;
    proto_files?: string[];
  }[];
}

/** A loaded export package. */
export interface ExportPackage {
  /** Absolute path of the export folder. */
  dir: string;
  blueprint: Blueprint;
  dockerinfo: DockerInfo;
}

export const BLUEPRINT_FILE = 'blueprint.json';
export const DOCKERINFO_FILE = 'dockerinfo.json';
export const METADATA_FILE = 'generation_metadata.json';
export const PROTO_DIR = 'microservice';
