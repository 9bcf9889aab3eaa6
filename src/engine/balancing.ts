// How a channel reaches a service that runs as several replicas behind one DNS name (a Kubernetes headless Service,
// `docker compose up --scale`): grpc-js's dns resolver turns the name into every address it has, and the round_robin
// load-balancing policy connects to all of them and spreads calls over those that are READY. grpc-js's default,
// pick_first, would send every call to the first address. For a name with one address (the usual case) both behave
// the same.
import type * as grpc from '@grpc/grpc-js';

/** The channel target of a `host:port` address: the dns resolver, spelled out (`dns:///host:port`). */
export function channelTarget(address: string): string {
  return `dns:///${address}`;
}

export const BALANCING_OPTIONS: grpc.ChannelOptions = {
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  // The policy is ours: a DNS TXT record (grpc_config) must not replace it with another.
  'grpc.service_config_disable_resolution': 1,
};
