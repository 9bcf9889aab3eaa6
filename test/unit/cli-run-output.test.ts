// The --output promise of orchestrate and run, as modules: the path checked before anything runs (exit 2 naming it),
// and the document written whatever ends the command (RunRecord: the engine's document, or what is known so far).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkOutputFile } from '../../src/cli/output-file.js';
import { RunRecord } from '../../src/cli/run-record.js';
import { UserError } from '../../src/errors.js';
import { assertSchema } from '../../src/schema/validate.js';
import { tempDir } from '../helpers/cli.js';
import { userError } from '../helpers/user-error.js';

let work: ReturnType<typeof tempDir>;
afterEach(() => work?.cleanup());

describe('checkOutputFile', () => {
  it('accepts a new or existing file in a folder that exists', () => {
    work = tempDir();
    writeFileSync(join(work.dir, 'old.json'), '{}');
    expect(() => checkOutputFile('--output', join(work.dir, 'new.json'))).not.toThrow();
    expect(() => checkOutputFile('--output', join(work.dir, 'old.json'))).not.toThrow();
  });

  it.each([
    ['a folder', (d: string) => (mkdirSync(join(d, 'out')), 'out'), '--output {d}/out: is a folder, not a file'],
    ['in a missing folder', () => 'runs/r.json', '--output {d}/runs/r.json: folder {d}/runs does not exist'],
    [
      'below a file',
      (d: string) => (writeFileSync(join(d, 'f'), ''), 'f/r.json'),
      '--output {d}/f/r.json: {d}/f is not a folder',
    ],
    [
      'a name too long',
      () => `${'x'.repeat(256)}.json`,
      `--output {d}/${'x'.repeat(256)}.json: cannot write (name too long)`,
    ],
  ])('refuses %s, exit 2 naming it', (_what, make, message) => {
    work = tempDir();
    const d = work.dir;
    const path = join(d, make(d));
    const e = userError(() => checkOutputFile('--output', path));
    expect(e.message).toBe(message.replaceAll('{d}', d));
    expect(e.exit).toBe(2);
    expect(e.code).toBe('OUTPUT_UNUSABLE');
  });
});

describe('RunRecord', () => {
  const failure = new UserError('SERVICES_NOT_READY', 'service not ready within 1 s: "a" at h:1 (no connection)');

  it('before the pipeline is known: no nodes, the error', () => {
    const doc = new RunRecord().document(
      'failed',
      new UserError('FILE_NOT_FOUND', 'pkg/blueprint.json: file not found'),
    );
    assertSchema('run-result', doc, 'doc');
    expect(doc).toMatchObject({
      results: {},
      summary: {
        status: 'failed',
        nodes: {},
        error: { code: 'FILE_NOT_FOUND', message: 'pkg/blueprint.json: file not found' },
      },
    });
    expect(doc.summary).not.toHaveProperty('pipeline');
  });

  it('after the plan: every node skipped, and the error', () => {
    const record = new RunRecord();
    record.plan('p', ['a:A', 'b:B']);
    const doc = record.document('failed', failure);
    assertSchema('run-result', doc, 'doc');
    expect(doc.summary).toMatchObject({
      pipeline: 'p',
      status: 'failed',
      nodes: { 'a:A': { status: 'skipped', attempts: 0 }, 'b:B': { status: 'skipped', attempts: 0 } },
      error: { code: 'SERVICES_NOT_READY', message: failure.message },
    });
  });

  it('follows the events: a finished node, one in flight (cancelled), retries counted', () => {
    const record = new RunRecord();
    record.onEvent({ type: 'run-started', at: 0, levels: [['a:A'], ['b:B'], ['c:C']], nodes: ['a:A', 'b:B', 'c:C'] });
    record.onEvent({ type: 'node-started', at: 1000, node: 'a:A' });
    record.onEvent({ type: 'node-finished', at: 1500, node: 'a:A', durationMs: 500, attempts: 1 });
    record.onEvent({ type: 'node-started', at: 1600, node: 'b:B' });
    const retry = { type: 'node-retrying', at: 1700, node: 'b:B', attempt: 1, delayMs: 200 } as const;
    record.onEvent({ ...retry, error: { code: 'UNAVAILABLE', message: 'down' } });
    record.onEvent({ type: 'node-progress', at: 1800, node: 'b:B', calls: 1, messagesIn: 4, messagesOut: 3 });
    const doc = record.document('cancelled');
    assertSchema('run-result', doc, 'doc');
    expect(doc.summary.status).toBe('cancelled');
    expect(doc.summary).not.toHaveProperty('error');
    expect(doc.summary.nodes).toMatchObject({
      'a:A': { status: 'succeeded', attempts: 1, start: new Date(1000).toISOString(), duration_ms: 500 },
      'b:B': { status: 'cancelled', attempts: 2, start: new Date(1600).toISOString(), calls: 1, messages_in: 4 },
      'c:C': { status: 'skipped', attempts: 0, calls: 0, messages_in: 0, messages_out: 0 },
    });
  });

  it("the engine's document once it returned; a later failure (a service that died) makes it failed", () => {
    const record = new RunRecord();
    const engine = {
      results: { 'a:A': { n: 1 } },
      summary: { status: 'cancelled' as const, start: 'x', end: 'y', duration_ms: 1, nodes: {} },
    };
    record.finished(engine);
    expect(record.document('cancelled')).toBe(engine);
    const died = new UserError('SERVICE_EXITED', 'service "b" exited with code 4 after it was ready');
    expect(record.document('failed', died)).toEqual({
      results: engine.results,
      summary: { ...engine.summary, status: 'failed', error: { code: 'SERVICE_EXITED', message: died.message } },
    });
  });

  it('a failure that carries partial results (a service died under run) gives them', () => {
    const summary = { status: 'cancelled', start: 'x', end: 'y', duration_ms: 1, nodes: {} };
    const err = new UserError('SERVICE_EXITED', 'died', { details: { results: { 'a:A': {} }, summary } });
    expect(new RunRecord().document('failed', err)).toEqual({
      results: { 'a:A': {} },
      summary: { ...summary, status: 'failed', error: { code: 'SERVICE_EXITED', message: 'died' } },
    });
  });
});
