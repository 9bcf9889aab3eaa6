// The export package: the contract with the Eclipse Graphene / AI4EU Experiments platform. These types mirror
// schemas/blueprint.schema.json and schemas/dockerinfo.schema.json; data reaching them has been validated.

export interface OperationSignature {
  operation_name: string;
  /** Empty or null: none (the original's parser reads them so). */
  input_message_name?: string | null;
  output_message_name?: string | null;
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
  input_ports?: unknown;
  probeIndicator?: unknown;
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

/**
 * generation_metadata.json: the original tools' keys with their meaning (use_case_name, use_case_directory,
 * source_path, services[{service_name, container_name, image_name}]), then aieffect's beside them.
 */
export interface GenerationMetadata {
  /** The use case folder's name. */
  use_case_name: string;
  /** The same (the original writes both). */
  use_case_directory: string;
  /** The use case folder, relative to the package folder, `/`-separated. */
  source_path: string;
  services: {
    /** The docker-compose.yml service name. */
    service_name: string;
    container_name: string;
    image_name: string;
    /** aieffect: the folder under services/. */
    folder?: string;
    /** aieffect: the node's proto in the package, and every proto file it needs. */
    proto?: string;
    proto_files?: string[];
  }[];
  generator?: 'aieffect';
  generator_version?: string;
  pipeline_id?: string;
  pipeline_name?: string;
  /** connections.json's description (blueprint.json keeps only the platform's keys). */
  description?: string;
  creation_date?: string;
}

/** A loaded export package. */
export interface ExportPackage {
  /** Absolute path of the export folder. */
  dir: string;
  blueprint: Blueprint;
  dockerinfo: DockerInfo;
  /** Oddities in informational fields (one line each, naming file and place); absent: none. */
  warnings?: string[];
}

export const BLUEPRINT_FILE = 'blueprint.json';
export const DOCKERINFO_FILE = 'dockerinfo.json';
export const METADATA_FILE = 'generation_metadata.json';
export const PROTO_DIR = 'microservice';
