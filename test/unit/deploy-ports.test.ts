// The port rule (src/deploy/ports.ts): AI-Effect packages listen on their dockerinfo port, Graphene/AI4EU packages
// (recognised from blueprint.json) on 8061 with the web UI on 8062, --container-port overrides either; the errors of
// a package or an override the rule cannot apply to. The Graphene sample is read as the platform wrote it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decidePorts, type PortPackage } from '../../src/deploy/ports.js';
import { parseContainerPort } from '../../src/cli/container-port-flag.js';
import type { Blueprint, DockerInfo } from '../../src/platform/types.js';
import { sharedFixtures } from '../helpers/cli.js';
import { userError } from '../helpers/user-error.js';

const sudokuDir = join(sharedFixtures, 'graphene-sudoku');
const sudoku: PortPackage = {
  blueprint: JSON.parse(readFileSync(join(sudokuDir, 'blueprint.json'), 'utf8')) as Blueprint,
  dockerinfo: JSON.parse(readFileSync(join(sudokuDir, 'dockerinfo.json'), 'utf8')) as DockerInfo,
};

/** A package in the shape the original AI-Effect tools export: proto_uri in the package, string ports. */
function aieffect(ports: (string | number)[]): PortPackage {
  const names = ports.map((_, i) => `svc${i}1`);
  return {
    blueprint: {
      name: 'P',
      version: '2.0',
      type: 'pipeline-topology/v2',
      nodes: names.map((n) => ({
        container_name: n,
        proto_uri: `microservice/${n}.proto`,
        operation_signature_list: [],
      })),
    },
    dockerinfo: {
      docker_info_list: names.map((n, i) => ({ container_name: n, ip_address: n, port: ports[i]! })),
    },
  };
}

describe('decidePorts', () => {
  it('AI-Effect package: each service listens on its dockerinfo port (string or number), told so by GRPC_PORT', () => {
    const d = decidePorts(aieffect(['50051', 9000]));
    expect(d.convention).toBe('aieffect');
    expect(d.statement).toBe(
      'ports: AI-Effect package, so each service listens on its dockerinfo.json port, given to it as GRPC_PORT',
    );
    expect(d.containers).toEqual([
      { container: 'svc01', listen: 50051, dial: 50051, env: { GRPC_PORT: '50051' }, rule: 'aieffect' },
      { container: 'svc11', listen: 9000, dial: 9000, env: { GRPC_PORT: '9000' }, rule: 'aieffect' },
    ]);
  });

  it('the Graphene sample: gRPC 8061 and web UI 8062 whatever dockerinfo says; the orchestrator entry is no node', () => {
    const d = decidePorts(sudoku);
    expect(d.convention).toBe('graphene');
    expect(d.statement).toBe(
      'ports: Graphene/AI4EU package (blueprint.json: probeIndicator, input_ports, proto_uri in the platform repository (org/acumos/...)), so each service listens on gRPC 8061 and serves its web UI on 8062, whatever dockerinfo.json says',
    );
    expect(d.containers).toEqual([
      {
        container: 'sudoku-gui-stream1',
        listen: 8061,
        dial: 8001,
        webUi: 8062,
        env: { GRPC_PORT: '8061' },
        rule: 'graphene',
      },
      {
        container: 'sudoku-design-evaluator-stream1',
        listen: 8061,
        dial: 8002,
        webUi: 8062,
        env: { GRPC_PORT: '8061' },
        rule: 'graphene',
      },
      {
        container: 'sudoku-aspsolver1',
        listen: 8061,
        dial: 8003,
        webUi: 8062,
        env: { GRPC_PORT: '8061' },
        rule: 'graphene',
      },
    ]);
  });

  it('any one sign of the platform is enough: a proto_uri into its repository alone', () => {
    const pkg = aieffect(['50051']);
    pkg.blueprint.nodes[0]!.proto_uri = 'org/acumos/e6bf09af/model/1.0.0/model-1.0.0.proto';
    const d = decidePorts(pkg);
    expect(d.convention).toBe('graphene');
    expect(d.statement).toContain('(blueprint.json: proto_uri in the platform repository (org/acumos/...))');
  });

  it('--container-port: container=N wins over a bare N, which wins over the convention; stated in the output', () => {
    const d = decidePorts(aieffect(['50051', '50051', '50051']), [{ port: 7000 }, { container: 'svc11', port: 7001 }]);
    expect(d.containers.map((c) => [c.container, c.listen, c.dial, c.rule, c.env.GRPC_PORT])).toEqual([
      ['svc01', 7000, 50051, 'override', '7000'],
      ['svc11', 7001, 50051, 'override', '7001'],
      ['svc21', 7000, 50051, 'override', '7000'],
    ]);
    expect(d.statement).toBe(
      'ports: AI-Effect package, so each service listens on its dockerinfo.json port, given to it as GRPC_PORT; --container-port: svc01 7000, svc11 7001, svc21 7000',
    );
    const g = decidePorts(sudoku, [{ container: 'sudoku-aspsolver1', port: 9000 }]);
    expect(g.containers.find((c) => c.container === 'sudoku-aspsolver1')).toEqual({
      container: 'sudoku-aspsolver1',
      listen: 9000,
      dial: 8003,
      webUi: 8062,
      env: { GRPC_PORT: '9000' },
      rule: 'override',
    });
  });

  it('an override naming no node, or given twice, is a usage error naming it', () => {
    const unknown = userError(() => decidePorts(sudoku, [{ container: 'orchestrator', port: 1 }]));
    expect(unknown.exit).toBe(2);
    expect(unknown.message).toBe(
      '--container-port orchestrator=1: no container "orchestrator" in the blueprint (containers: sudoku-aspsolver1, sudoku-design-evaluator-stream1, sudoku-gui-stream1)',
    );
    const twice = userError(() => decidePorts(aieffect(['1']), [{ port: 1 }, { port: 2 }]));
    expect(twice.message).toBe('--container-port 2: a port for every container is given twice');
    const twiceOne = userError(() =>
      decidePorts(aieffect(['1']), [
        { container: 'svc01', port: 1 },
        { container: 'svc01', port: 2 },
      ]),
    );
    expect(twiceOne.message).toBe('--container-port svc01=2: container "svc01" is given twice');
    expect(userError(() => decidePorts(aieffect(['1']), [{ port: 70000 }])).message).toBe(
      '--container-port 70000: the port must be an integer from 1 to 65535',
    );
  });

  it('a node without dockerinfo entry, a duplicate entry, a port out of range: input errors naming the place', () => {
    const missing = aieffect(['50051', '50051']);
    missing.dockerinfo.docker_info_list.pop();
    const err = userError(() => decidePorts(missing));
    expect(err.exit).toBe(1);
    expect(err.message).toBe(
      'dockerinfo.json /docker_info_list: no entry for container "svc11" (blueprint.json /nodes/1)',
    );

    const dup = aieffect(['50051']);
    dup.dockerinfo.docker_info_list.push({ container_name: 'svc01', ip_address: 'x', port: '1' });
    expect(userError(() => decidePorts(dup)).message).toBe(
      'dockerinfo.json /docker_info_list/1/container_name: container "svc01" appears twice',
    );

    const labels = { blueprint: 'pkg/blueprint.json', dockerinfo: 'pkg/dockerinfo.json' };
    expect(userError(() => decidePorts({ ...aieffect([0]), labels })).message).toBe(
      'pkg/dockerinfo.json /docker_info_list/0/port: port 0 of "svc01" is not between 1 and 65535',
    );
  });
});

describe('parseContainerPort (--container-port)', () => {
  it.each([
    ['8061', { port: 8061 }],
    ['my-model1=9000', { container: 'my-model1', port: 9000 }],
    ['a=b=1', { container: 'a=b', port: 1 }],
  ])('%s', (text, parsed) => {
    expect(parseContainerPort(text)).toEqual(parsed);
  });

  it.each(['', 'x', '=8061', 'a=', 'a=0', 'a=65536', '8061.5', '-1'])('"%s" is a usage error', (text) => {
    const err = userError(() => parseContainerPort(text));
    expect(err.exit).toBe(2);
    expect(err.message).toBe(`--container-port ${text}: expected [container=]PORT, PORT from 1 to 65535`);
  });
});
