// prepareRun: everything that can be wrong in a package is reported before any service is contacted, one line each.
import { copyFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/engine/index.js';
import { userError } from '../helpers/user-error.js';
import { tempDir } from '../helpers/cli.js';
import { writePackage, type PackageSpec } from '../helpers/export-package.js';
import { protosDir } from '../helpers/grpc.js';

let cleanup: () => void = () => {};
afterEach(() => cleanup());

function pkg(spec: Partial<PackageSpec> = {}): string {
  const t = tempDir('aieffect-prepare-');
  cleanup = t.cleanup;
  return writePackage(t.dir, {
    nodes: spec.nodes ?? [
      { container: 'a', proto: 'echo.proto', operations: { Echo: ['b:Step'] } },
      { container: 'b', proto: 'echo.proto', operations: { Step: [] } },
    ],
    addresses: spec.addresses ?? { a: 'a-host:50051', b: 'b-host:50051' },
  });
}

/** Messages name files relative to the working directory when inside it; the temp dir is not, so strip it. */
const rel = (dir: string, e: { message: string }) => e.message.split(dir + '/').join('');

describe('prepareRun', () => {
  it('resolves nodes, addresses (dockerinfo or overrides) and links', () => {
    const dir = pkg();
    const prepared = prepareRun(dir, { addresses: { b: '127.0.0.1:7000' } });
    expect(prepared.nodes.map((n) => `${n.id} ${n.call.service.fullName} ${n.call.request.fullName}`)).toEqual([
      'a:Echo echo.Echo echo.Payload',
      'b:Step echo.Echo echo.Payload',
    ]);
    expect(prepared.endpoints).toEqual([
      { container: 'a', address: 'a-host:50051', source: 'dockerinfo' },
      { container: 'b', address: '127.0.0.1:7000', source: 'override' },
    ]);
    expect(prepared.links.map((l) => l.mode)).toEqual(['pass-through']);
    expect(prepared.pipeline).toBe('test-pipeline');
  });

  it('reads numeric ports and IPv6 addresses from dockerinfo.json', () => {
    const dir = pkg();
    writeFileSync(
      join(dir, 'dockerinfo.json'),
      JSON.stringify({
        docker_info_list: [
          { container_name: 'a', ip_address: '::1', port: 8001 },
          { container_name: 'b', ip_address: 'b', port: '8002' },
        ],
      }),
    );
    expect(prepareRun(dir).endpoints.map((e) => e.address)).toEqual(['[::1]:8001', 'b:8002']);
  });

  it('falls back to microservice/<container>.proto when proto_uri does not exist in the package', () => {
    const dir = pkg();
    const bp = JSON.parse(readFileSync(join(dir, 'blueprint.json'), 'utf8')) as { nodes: { proto_uri: string }[] };
    bp.nodes[0]!.proto_uri = 'org/acumos/x/a-1.0.0.proto';
    writeFileSync(join(dir, 'blueprint.json'), JSON.stringify(bp));
    expect(prepareRun(dir).nodes[0]!.proto.file).toBe(join(dir, 'microservice/a.proto'));
  });

  it('names a missing proto', () => {
    const dir = pkg();
    rmSync(join(dir, 'microservice/b.proto'));
    const e = userError(() => prepareRun(dir));
    expect(rel(dir, e)).toBe(
      'microservice/b.proto: file not found, the proto of node "b" (blueprint.json /nodes/1; microservice/ has a.proto)',
    );
    expect(e.code).toBe('PROTO_NOT_FOUND');
  });

  it('names a package without microservice/ folder', () => {
    const dir = pkg();
    rmSync(join(dir, 'microservice'), { recursive: true });
    const e = userError(() => prepareRun(dir));
    expect(rel(dir, e)).toBe(
      'microservice/: no such folder, so the package ships no .proto for node "a" (blueprint.json /nodes/0)',
    );
    expect(e.code).toBe('NO_PROTO_DIR');
  });

  it('names a proto with a syntax error, in one line', () => {
    const dir = pkg();
    copyFileSync(join(protosDir, 'broken.proto'), join(dir, 'microservice/b.proto'));
    expect(
      rel(
        dir,
        userError(() => prepareRun(dir)),
      ),
    ).toBe("microservice/b.proto: invalid proto at line 4: illegal token 'name', '=' expected");
  });

  it('names a missing import', () => {
    const dir = pkg();
    writeFileSync(join(dir, 'microservice/b.proto'), 'syntax = "proto3";\nimport "gone.proto";\n');
    expect(
      rel(
        dir,
        userError(() => prepareRun(dir)),
      ),
    ).toBe('microservice/b.proto imports "gone.proto", which the package does not contain');
  });

  it('never reads outside the package: an import leading out, or a link to a file outside, is an error', () => {
    const dir = pkg();
    const elsewhere = tempDir('aieffect-outside-');
    const done = cleanup;
    cleanup = () => (done(), elsewhere.cleanup());
    const outside = join(elsewhere.dir, 'outside.proto');
    writeFileSync(outside, 'syntax = "proto3";\nmessage Secret { string s = 1; }\n');
    const up = relative(join(dir, 'microservice'), outside);
    writeFileSync(join(dir, 'microservice/b.proto'), `syntax = "proto3";\nimport "${up}";\n`);
    const e = userError(() => prepareRun(dir));
    expect(rel(dir, e)).toBe(`microservice/b.proto imports "${up}", which leads outside the package`);
    expect(e.code).toBe('PROTO_IMPORT_OUTSIDE');
    writeFileSync(join(dir, 'microservice/b.proto'), 'syntax = "proto3";\nimport "linked.proto";\n');
    symlinkSync(outside, join(dir, 'microservice', 'linked.proto'));
    expect(
      rel(
        dir,
        userError(() => prepareRun(dir)),
      ),
    ).toBe('microservice/b.proto imports "linked.proto", which is a link leading outside the package');
    // The node's own proto too.
    rmSync(join(dir, 'microservice', 'b.proto'));
    symlinkSync(outside, join(dir, 'microservice', 'b.proto'));
    expect(
      rel(
        dir,
        userError(() => prepareRun(dir)),
      ),
    ).toBe('microservice/b.proto: is a link leading outside the package');
  });

  it('names a cycle of imports', () => {
    const dir = pkg();
    writeFileSync(join(dir, 'microservice/b.proto'), 'syntax = "proto3";\nimport "x.proto";\n');
    writeFileSync(join(dir, 'microservice/x.proto'), 'syntax = "proto3";\nimport "y.proto";\n');
    writeFileSync(
      join(dir, 'microservice/y.proto'),
      'syntax = "proto3";\n// import "nothing.proto";\nimport "x.proto";\n',
    );
    const e = userError(() => prepareRun(dir));
    expect(rel(dir, e)).toBe(
      'microservice/x.proto: imports itself through microservice/x.proto -> microservice/y.proto -> microservice/x.proto',
    );
    expect(e.code).toBe('PROTO_IMPORT_CYCLE');
  });

  it('names an operation the proto does not offer, listing what it offers', () => {
    const dir = pkg({
      nodes: [{ container: 'a', proto: 'echo.proto', operations: { Nope: [] } }],
      addresses: { a: 'h:1' },
    });
    const e = userError(() => prepareRun(dir));
    expect(rel(dir, e)).toBe(
      'node "a:Nope": operation "Nope" is not an rpc of microservice/a.proto, which offers echo.Echo(Echo, Step)',
    );
    expect(e.code).toBe('OPERATION_NOT_FOUND');
  });

  it('names an operation found in two services', () => {
    const dir = pkg({
      nodes: [{ container: 'a', proto: 'ambiguous.proto', operations: { Go: [] } }],
      addresses: { a: 'h:1' },
    });
    expect(
      rel(
        dir,
        userError(() => prepareRun(dir)),
      ),
    ).toBe('node "a:Go": operation "Go" is an rpc of 2 services in microservice/a.proto: twice.A, twice.B');
  });

  it('names a container without an address', () => {
    const dir = pkg({ addresses: { a: 'h:1' } });
    const e = userError(() => prepareRun(dir));
    expect(rel(dir, e)).toBe('dockerinfo.json: no entry for container "b"');
    expect(e.hint).toBe('add it to docker_info_list, or pass --address b=host:port');
  });

  it('refuses an --address for a container the blueprint does not have', () => {
    const dir = pkg();
    const e = userError(() => prepareRun(dir, { addresses: { zz: 'h:1' } }));
    expect(e.message).toBe('--address zz: "zz" is not a container of the blueprint (containers: a, b)');
    expect(e.exit).toBe(2);
  });

  it('resolves only the wired operations: an unwired one may be missing from the proto, its container unaddressed', () => {
    const dir = pkg({
      nodes: [
        { container: 'a', proto: 'echo.proto', operations: { Echo: ['b:Step'], Gone: [] } },
        { container: 'b', proto: 'echo.proto', operations: { Step: [] } },
        { container: 'idle', proto: 'broken.proto', operations: { Whatever: [] } },
      ],
      addresses: { a: 'a-host:1', b: 'b-host:2' },
    });
    const prepared = prepareRun(dir, { addresses: { idle: '127.0.0.1:9' } });
    expect(prepared.graph.unwired).toEqual(['a:Gone', 'idle:Whatever']);
    expect(prepared.nodes.map((n) => n.id)).toEqual(['a:Echo', 'b:Step']);
    expect(prepared.endpoints.map((e) => e.container)).toEqual(['a', 'b']);
  });

  it('calls an rpc as its proto declares it and notes where the blueprint says otherwise', () => {
    // The blueprint marks nothing as streaming; flow.proto's Relay takes and returns a stream, which breaks the cycle.
    const dir = pkg({
      nodes: [
        {
          container: 'a',
          proto: 'flow.proto',
          operations: { Relay: ['b:Unary'] },
          streams: { Relay: { input: false, output: false } },
        },
        { container: 'b', proto: 'flow.proto', operations: { Unary: ['a:Relay'] } },
      ],
      addresses: { a: 'a-host:1', b: 'b-host:2' },
    });
    const prepared = prepareRun(dir);
    expect(prepared.nodes.map((n) => `${n.id} ${n.kind}`)).toEqual(['a:Relay bidi', 'b:Unary unary']);
    expect(prepared.graph.loops).toEqual([{ from: 'b:Unary', to: 'a:Relay' }]);
    expect(prepared.notes).toEqual([
      'blueprint.json /nodes/0/operation_signature_list/0: "a:Relay" is described as unary, but its proto declares bidi; calling it as the proto says',
    ]);
  });

  it('reports a cycle through the graph', () => {
    const dir = pkg({
      nodes: [
        { container: 'a', proto: 'echo.proto', operations: { Echo: ['b:Step'] } },
        { container: 'b', proto: 'echo.proto', operations: { Step: ['a:Echo'] } },
      ],
    });
    expect(
      rel(
        dir,
        userError(() => prepareRun(dir)),
      ),
    ).toBe('blueprint.json: the pipeline has a cycle without a streaming link: a:Echo -> b:Step -> a:Echo');
  });
});
