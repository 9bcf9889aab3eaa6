// The run report's parts: the timeline recorded from engine and local-runtime events (every field, every status),
// and the page rendered from it: self-contained, every name escaped, the same bytes for the same input.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { LocalEvent } from '../../src/local/runtime.js';
import { loadPicture } from '../../src/picture/index.js';
import { createRunRecorder, renderReport, type RunTimeline } from '../../src/report/index.js';
import { repoRoot } from '../helpers/cli.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5);
const error = { code: 'UNAVAILABLE', message: 'connection refused' };

/** A run of a -> b -> c with d beside: a retried once, b failed, c skipped, d cancelled, e never reached. */
const events: EngineEvent[] = [
  {
    type: 'run-started',
    at: T,
    levels: [['a:A', 'd:D'], ['b:B'], ['c:C', 'e:E']],
    nodes: ['a:A', 'b:B', 'c:C', 'd:D', 'e:E'],
  },
  { type: 'service-waiting', at: T, container: 'a', address: 'localhost:1' },
  { type: 'service-ready', at: T + 20, container: 'a', address: 'localhost:1', via: 'health' },
  { type: 'node-started', at: T + 30, node: 'a:A' },
  { type: 'node-started', at: T + 31, node: 'd:D' },
  { type: 'node-retrying', at: T + 40, node: 'a:A', attempt: 1, delayMs: 200, error },
  { type: 'node-finished', at: T + 250, node: 'a:A', durationMs: 220, attempts: 2 },
  { type: 'warning', at: T + 251, node: 'b:B', message: 'field "x" not mapped' },
  { type: 'node-started', at: T + 252, node: 'b:B' },
  {
    type: 'node-failed',
    at: T + 300,
    node: 'b:B',
    durationMs: 48,
    attempts: 1,
    error: { code: 'INTERNAL', message: 'boom' },
  },
  { type: 'node-skipped', at: T + 301, node: 'c:C', reason: 'upstream b:B failed' },
  { type: 'node-cancelled', at: T + 310, node: 'd:D' },
  { type: 'run-finished', at: T + 320, status: 'failed', durationMs: 319.5 },
];

function record(list: EngineEvent[], local: LocalEvent[] = []): RunTimeline {
  const recorder = createRunRecorder();
  for (const e of local) recorder.onLocalEvent(e);
  for (const e of list) recorder.onEvent(e);
  return recorder.timeline();
}

describe('createRunRecorder', () => {
  it('keeps each node in level order with its status, times, attempts, retries and errors', () => {
    const t = record(events);
    expect(t).toMatchObject({ start: T, end: T + 320, status: 'failed', durationMs: 319.5 });
    expect(t.levels).toEqual([['a:A', 'd:D'], ['b:B'], ['c:C', 'e:E']]);
    expect(t.nodes).toEqual([
      {
        id: 'a:A',
        level: 0,
        status: 'succeeded',
        start: T + 30,
        end: T + 250,
        durationMs: 220,
        attempts: 2,
        retries: [{ at: T + 40, attempt: 1, delayMs: 200, error }],
      },
      {
        id: 'd:D',
        level: 0,
        status: 'cancelled',
        start: T + 31,
        end: T + 310,
        durationMs: 279,
        attempts: 1,
        retries: [],
      },
      {
        id: 'b:B',
        level: 1,
        status: 'failed',
        start: T + 252,
        end: T + 300,
        durationMs: 48,
        attempts: 1,
        retries: [],
        error: { code: 'INTERNAL', message: 'boom' },
      },
      { id: 'c:C', level: 2, status: 'skipped', attempts: 0, retries: [], reason: 'upstream b:B failed' },
      { id: 'e:E', level: 2, status: 'not run', attempts: 0, retries: [] },
    ]);
    expect(t.steps).toEqual([
      { kind: 'wait', name: 'a', detail: 'localhost:1, ready (health)', start: T, end: T + 20, status: 'done' },
    ]);
    expect(t.warnings).toEqual([{ at: T + 251, node: 'b:B', message: 'field "x" not mapped' }]);
  });

  it('records a local run: builds, services started, one that exited', () => {
    const local: LocalEvent[] = [
      {
        type: 'build-starting',
        at: T - 100,
        services: ['gen'],
        command: 'npm run build',
        cwd: '/uc',
        reason: 'dist/server.js is missing',
      },
      { type: 'build-finished', at: T - 60, services: ['gen'], command: 'npm run build', cwd: '/uc', durationMs: 40 },
      {
        type: 'service-starting',
        at: T - 50,
        service: 'gen',
        container: 'gen1',
        command: 'node dist/server.js',
        address: '127.0.0.1:5',
        pid: 7,
      },
      {
        type: 'service-ready',
        at: T - 10,
        service: 'gen',
        container: 'gen1',
        address: '127.0.0.1:5',
        via: 'health',
        durationMs: 40,
      },
      {
        type: 'service-starting',
        at: T - 50,
        service: 'an',
        container: 'an1',
        command: 'node a.js',
        address: '127.0.0.1:6',
        pid: 8,
      },
      { type: 'service-exited', at: T - 5, service: 'an', container: 'an1', exit: { code: 1, signal: null } },
    ];
    const t = record([], local);
    expect(t.start).toBe(T - 100);
    expect(t.end).toBe(T - 5);
    expect(t.status).toBeUndefined();
    expect(t.steps).toEqual([
      {
        kind: 'build',
        name: 'npm run build',
        detail: 'gen: dist/server.js is missing',
        start: T - 100,
        end: T - 60,
        status: 'done',
      },
      {
        kind: 'start',
        name: 'gen',
        detail: 'gen1 at 127.0.0.1:5: node dist/server.js',
        start: T - 50,
        end: T - 10,
        status: 'done',
      },
      {
        kind: 'start',
        name: 'an',
        detail: 'an1 at 127.0.0.1:6: node a.js; exited with code 1',
        start: T - 50,
        end: T - 5,
        status: 'failed',
      },
    ]);
  });

  it('closes what is still open when the command ends: services never ready, builds cut short', () => {
    const recorder = createRunRecorder();
    recorder.onLocalEvent({
      type: 'build-starting',
      at: T,
      services: ['gen'],
      command: 'make',
      cwd: '/uc',
      reason: 'stale',
    });
    recorder.onEvent({ type: 'service-waiting', at: T + 1, container: 'a', address: 'a:1' });
    recorder.close(T + 1000);
    expect(recorder.timeline()).toMatchObject({
      start: T,
      end: T + 1000,
      steps: [
        { kind: 'build', end: T + 1000, status: 'failed', detail: 'gen: stale; did not finish' },
        { kind: 'wait', end: T + 1000, status: 'failed', detail: 'a:1; not ready' },
      ],
    });
  });

  it("keeps a streaming node's last counts (progress, then its end event); a unary node gets none", () => {
    const t = record([
      {
        type: 'run-started',
        at: T,
        levels: [['s:Stream'], ['u:Each']],
        nodes: ['s:Stream', 'u:Each'],
        streaming: ['u:Each'],
      },
      { type: 'node-started', at: T + 1, node: 's:Stream' },
      { type: 'node-started', at: T + 2, node: 'u:Each' },
      { type: 'node-progress', at: T + 250, node: 'u:Each', calls: 2, messagesIn: 2, messagesOut: 2 },
      { type: 'node-finished', at: T + 300, node: 's:Stream', durationMs: 299, attempts: 1 },
      {
        type: 'node-finished',
        at: T + 310,
        node: 'u:Each',
        durationMs: 308,
        attempts: 1,
        calls: 3,
        messagesIn: 3,
        messagesOut: 3,
      },
      { type: 'run-finished', at: T + 311, status: 'succeeded', durationMs: 311 },
    ]);
    expect(t.nodes.map((n) => [n.id, n.counters])).toEqual([
      ['s:Stream', undefined],
      ['u:Each', { calls: 3, messagesIn: 3, messagesOut: 3 }],
    ]);
    const page = renderReport({
      command: 'aieffect run x',
      generator: 'aieffect 0.1.0',
      createdAt: new Date(T),
      status: 'succeeded',
      timeline: t,
    });
    expect(page).toContain('308 ms · 3 calls, 3 in, 3 out');
    expect(page).toContain('<td class="num">3 calls, 3 in, 3 out</td>');
  });

  it('says attempts beside a node called per message only when some were retries (more attempts than calls)', () => {
    const each = (attempts: number) =>
      record([
        { type: 'run-started', at: T, levels: [['u:Each']], nodes: ['u:Each'], streaming: ['u:Each'] },
        { type: 'node-started', at: T + 2, node: 'u:Each' },
        { type: 'node-finished', at: T + 10, node: 'u:Each', durationMs: 8, attempts, calls: 4, messagesIn: 4 },
        { type: 'run-finished', at: T + 11, status: 'succeeded', durationMs: 11 },
      ]);
    const rowText = (attempts: number) =>
      /data-node="u:Each"[^]*?title="u:Each: ([^"]*)"/.exec(
        renderReport({
          command: 'aieffect run x',
          generator: 'aieffect 0.1.0',
          createdAt: new Date(T),
          status: 'succeeded',
          timeline: each(attempts),
        }),
      )?.[1];
    expect(rowText(4)).toBe('8 ms · 4 calls, 4 in, 0 out');
    expect(rowText(6)).toBe('8 ms · 6 attempts · 4 calls, 4 in, 0 out');
  });

  it('gives a copy: what it returned does not change as recording goes on', () => {
    const recorder = createRunRecorder();
    recorder.onEvent(events[0]!);
    const before = recorder.timeline();
    for (const e of events.slice(1)) recorder.onEvent(e);
    expect(before.nodes.every((n) => n.status === 'not run')).toBe(true);
  });
});

describe('renderReport', () => {
  const base = {
    command: 'aieffect orchestrate out/x',
    generator: 'aieffect 0.1.0',
    createdAt: new Date(T + 1000),
  };

  it('is one self-contained page: inline style and script, no URL to load anything from', () => {
    const page = renderReport({
      ...base,
      status: 'failed',
      timeline: record(events),
      error: { code: 'NODE_FAILED', message: 'node "b:B" failed' },
    });
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page.match(/<style>/g)).toHaveLength(1);
    expect(page).not.toMatch(/\b(src|href)=/);
    expect(page).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org)/);
    expect(page).toContain('<strong class="mono">NODE_FAILED</strong> node &quot;b:B&quot; failed');
    expect(renderReport({ ...base, status: 'failed', timeline: record(events) })).toBe(
      renderReport({ ...base, status: 'failed', timeline: record(events) }),
    );
  });

  it('escapes every name: hostile containers, operations, messages and warnings stay text', () => {
    const evil = '<script>alert(1)</script>"\'&';
    const t = record([
      { type: 'run-started', at: T, levels: [[`${evil}:Op`]], nodes: [`${evil}:Op`] },
      { type: 'warning', at: T, node: `${evil}:Op`, message: `</style>${evil}` },
      { type: 'node-started', at: T + 1, node: `${evil}:Op` },
      {
        type: 'node-failed',
        at: T + 2,
        node: `${evil}:Op`,
        durationMs: 1,
        attempts: 1,
        error: { code: 'INTERNAL', message: evil },
      },
      { type: 'run-finished', at: T + 3, status: 'failed', durationMs: 3 },
    ]);
    const { picture } = loadPicture(join(repoRoot, 'test/fixtures/pictures/hostile'));
    const page = renderReport({
      ...base,
      status: 'failed',
      timeline: t,
      picture,
      pipeline: evil,
      error: { code: 'X', message: evil, hint: evil },
    });
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page.match(/<\/style>/g)).toHaveLength(1);
    expect(page).not.toContain(evil);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
  });

  it('says so when nothing ran', () => {
    const page = renderReport({
      ...base,
      status: 'failed',
      timeline: record([]),
      error: { code: 'NOT_A_DIRECTORY', message: 'nowhere: no such directory' },
    });
    expect(page).toContain('Nothing ran: the command stopped before the first event.');
    expect(page).toContain('The pipeline could not be loaded, so there is no graph.');
  });
});
