// The engine's own encoding of the two grpc.health.v1 messages it uses (src/engine/health.ts), checked against the
// codec of the health.proto grpc-health-check ships (protobufjs through proto-loader): what it encodes, the engine
// decodes alike, unknown fields and enum values included; bytes that are no protobuf message are refused.
import { service } from 'grpc-health-check';
import { describe, expect, it } from 'vitest';
import { decodeHealthResponse, OVERALL_REQUEST } from '../../src/engine/health.js';

const watch = service.Watch!;
const encode = (status: unknown) => watch.responseSerialize({ status });
const libraryReads = (bytes: Buffer) => (watch.responseDeserialize(bytes) as { status: unknown }).status;

describe('health response codec', () => {
  it('reads every status the library encodes, by name, and a missing field as UNKNOWN', () => {
    for (const status of ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN']) {
      expect(decodeHealthResponse(encode(status))).toBe(status);
      expect(decodeHealthResponse(encode(status))).toBe(libraryReads(encode(status)));
    }
    expect(decodeHealthResponse(Buffer.alloc(0))).toBe('UNKNOWN');
  });

  it('keeps a status number the enum does not name, and a negative one, as the library does', () => {
    expect(decodeHealthResponse(encode(7))).toBe(7);
    expect(libraryReads(encode(7))).toBe(7);
    expect(decodeHealthResponse(encode(-2))).toBe(-2);
    expect(encode(-2)).toHaveLength(11);
  });

  it('skips fields it does not know (every wire type) and takes the last status of several', () => {
    const unknown = Buffer.from([
      ...[0x10, 0xac, 0x02], // field 2, varint 300
      ...[0x19, 1, 2, 3, 4, 5, 6, 7, 8], // field 3, fixed64
      ...[0x22, 3, 0x61, 0x62, 0x63], // field 4, length-delimited "abc"
      ...[0x2d, 1, 2, 3, 4], // field 5, fixed32
    ]);
    const bytes = Buffer.concat([encode('NOT_SERVING'), unknown, encode('SERVING')]);
    expect(decodeHealthResponse(bytes)).toBe('SERVING');
    expect(libraryReads(bytes)).toBe('SERVING');
    expect(decodeHealthResponse(Buffer.concat([unknown, encode('NOT_SERVING')]))).toBe('NOT_SERVING');
  });

  it('refuses bytes that are not a protobuf message', () => {
    expect(decodeHealthResponse(Buffer.from([0x08]))).toBeUndefined(); // a key without its value
    expect(decodeHealthResponse(Buffer.from([0x08, 0x80]))).toBeUndefined(); // a varint cut short
    expect(decodeHealthResponse(Buffer.from([0x22, 5, 0x61]))).toBeUndefined(); // a length past the end
    expect(decodeHealthResponse(Buffer.from([0x19, 1, 2]))).toBeUndefined(); // a fixed64 cut short
    expect(decodeHealthResponse(Buffer.from([0x0b, 0x0c]))).toBeUndefined(); // a group (wire type 3)
    expect(decodeHealthResponse(Buffer.from([0x00, 0x01]))).toBeUndefined(); // field number 0
    expect(() => libraryReads(Buffer.from([0x22, 5, 0x61]))).toThrow();
  });

  it('asks for the overall status in the bytes the library encodes {service: ""} to', () => {
    expect(OVERALL_REQUEST).toEqual(watch.requestSerialize({ service: '' }));
    expect(watch.requestDeserialize(OVERALL_REQUEST)).toEqual({ service: '' });
  });
});
