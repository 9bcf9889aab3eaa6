// The plain progress lines and the --plan text, rendered from engine events and plan data (compared without colours).
import { stripVTControlCharacters as plain } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  createProgress,
  describeEvent,
  formatDuration,
  progressMode,
  stillRunningInterval,
} from '../../src/ui/progress.js';
import { renderPlan } from '../../src/ui/plan.js';

describe('progressMode', () => {
  it('prints nothing with --json or --no-progress, a tree on a terminal, lines otherwise', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(progressMode({ json: true, progress: true }, tty)).toBe('none');
    expect(progressMode({ json: false, progress: false }, tty)).toBe('none');
    expect(progressMode({ json: false, progress: true }, pipe)).toBe('plain');
    vi.stubEnv('TERM', 'xterm-256color');
    expect(progressMode({ json: false, progress: true }, tty)).toBe('tree');
    // A dumb terminal cannot redraw the tree in place.
    vi.stubEnv('TERM', 'dumb');
    expect(progressMode({ json: false, progress: true }, tty)).toBe('plain');
    vi.unstubAllEnvs();
  });
});

describe('plain progress', () => {
  it('writes one line per event', () => {
    const lines: string[] = [];
    const progress = createProgress('plain', (l) => lines.push(plain(l)));
    const at = 0;
    progress.onEvent({ type: 'run-started', at, levels: [['a:A'], ['b:B']], nodes: ['a:A', 'b:B'] });
    progress.onEvent({ type: 'service-waiting', at, container: 'a', address: 'h:1' });
    progress.onEvent({ type: 'service-ready', at, container: 'a', address: 'h:1', via: 'health' });
    progress.onEvent({ type: 'node-started', at, node: 'a:A' });
    progress.onEvent({
      type: 'node-retrying',
      at,
      node: 'a:A',
      attempt: 1,
      delayMs: 200,
      error: { code: 'UNAVAILABLE', message: 'down' },
    });
    progress.onEvent({ type: 'node-finished', at, node: 'a:A', durationMs: 1234.5, attempts: 2 });
    progress.onEvent({
      type: 'node-failed',
      at,
      node: 'b:B',
      durationMs: 3,
      attempts: 1,
      error: { code: 'INTERNAL', message: 'boom' },
    });
    progress.onEvent({ type: 'node-skipped', at, node: 'c:C', reason: 'upstream "b:B" produced no output' });
    progress.onEvent({ type: 'warning', at, message: 'careful' });
    progress.onEvent({ type: 'run-finished', at, status: 'failed', durationMs: 1300 });
    expect(lines).toEqual([
      'run: 2 nodes in 2 levels',
      'wait  a at h:1',
      'ready a at h:1 (health SERVING)',
      'start a:A',
      'retry a:A: UNAVAILABLE: down (attempt 2 in 200 ms)',
      'done  a:A 1.23 s (2 attempts)',
      'fail  b:B: INTERNAL: boom',
      'skip  c:C (upstream "b:B" produced no output)',
      'warning careful',
      'run failed in 1.30 s',
    ]);
  });

  it('formats durations', () => {
    expect([12.4, 1500, 12_500, 90_000, 125_000, 3_725_000].map((ms) => formatDuration(ms))).toEqual([
      '12 ms',
      '1.50 s',
      '12.5 s',
      '1m30s',
      '2m05s',
      '1h02m05s',
    ]);
  });

  it('says every interval which nodes are still running, and stops once none is', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const lines: string[] = [];
      const progress = createProgress('plain', (l) => lines.push(plain(l)), { stillRunningMs: 30_000 });
      progress.onEvent({ type: 'run-started', at: 0, levels: [['a:A', 'b:B']], nodes: ['a:A', 'b:B'] });
      progress.onEvent({ type: 'node-started', at: 0, node: 'a:A' });
      vi.advanceTimersByTime(20_000);
      progress.onEvent({ type: 'node-started', at: Date.now(), node: 'b:B' });
      vi.advanceTimersByTime(10_000);
      expect(lines.slice(-2)).toEqual(['still running: a:A, 30.0 s', 'still running: b:B, 10.0 s']);
      progress.onEvent({ type: 'node-finished', at: Date.now(), node: 'b:B', durationMs: 15_000, attempts: 1 });
      vi.advanceTimersByTime(60_000);
      expect(lines.slice(-2)).toEqual(['still running: a:A, 1m00s', 'still running: a:A, 1m30s']);
      progress.onEvent({ type: 'node-cancelled', at: Date.now(), node: 'a:A' });
      const count = lines.length;
      vi.advanceTimersByTime(120_000);
      expect(lines.length).toBe(count);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops the still-running lines when the run finishes or the renderer is done', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const lines: string[] = [];
      const progress = createProgress('plain', (l) => lines.push(plain(l)), { stillRunningMs: 1000 });
      progress.onEvent({ type: 'node-started', at: 0, node: 'a:A' });
      progress.onEvent({ type: 'run-finished', at: 0, status: 'cancelled', durationMs: 5 });
      expect(vi.getTimerCount()).toBe(0);
      progress.onEvent({ type: 'node-started', at: 0, node: 'a:A' });
      await progress.done();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(5000);
      expect(lines.filter((l) => l.startsWith('still running'))).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes the still-running interval from AIEFFECT_STILL_RUNNING_MS, 30 s otherwise', () => {
    expect(stillRunningInterval({ AIEFFECT_STILL_RUNNING_MS: '250' })).toBe(250);
    expect(stillRunningInterval({ AIEFFECT_STILL_RUNNING_MS: 'soon' })).toBe(30_000);
    expect(stillRunningInterval({})).toBe(30_000);
  });

  it('shows the counters of streaming nodes: at their end, in still-running lines, and the end of the run', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const lines: string[] = [];
      const progress = createProgress('plain', (l) => lines.push(plain(l)), { stillRunningMs: 1000 });
      const counters = { calls: 3, messagesIn: 3, messagesOut: 3 };
      progress.onEvent({
        type: 'run-started',
        at: 0,
        levels: [
          ['src:S', 'cb:C'],
          ['each:E', 'one:O'],
        ],
        nodes: ['src:S', 'cb:C', 'each:E', 'one:O'],
        streaming: ['src:S', 'cb:C', 'each:E'],
      });
      progress.onEvent({ type: 'node-started', at: 0, node: 'each:E' });
      progress.onEvent({ type: 'node-progress', at: 0, node: 'each:E', calls: 1, messagesIn: 1, messagesOut: 0 });
      progress.onEvent({ type: 'node-progress', at: 0, node: 'each:E', calls: 2, messagesIn: 2, messagesOut: 1 });
      vi.advanceTimersByTime(1000);
      progress.onEvent({ type: 'node-finished', at: 0, node: 'each:E', durationMs: 40, attempts: 4, ...counters });
      // A node that is not streaming keeps its plain line, counters or not.
      progress.onEvent({ type: 'node-finished', at: 0, node: 'one:O', durationMs: 5, attempts: 1, ...counters });
      progress.onEvent({ type: 'run-ending', at: 0, reason: 'idle', nodes: ['cb:C'] });
      progress.onEvent({ type: 'run-ending', at: 0, reason: 'duration', nodes: ['src:S'] });
      progress.onEvent({ type: 'node-cancelled', at: 0, node: 'src:S', calls: 1, messagesIn: 0, messagesOut: 7 });
      expect(lines.slice(1)).toEqual([
        'start each:E',
        'still running: each:E, 1.00 s (2 calls, 2 in, 1 out)',
        'done  each:E 40 ms (3 calls, 3 in, 3 out, 4 attempts)',
        'done  one:O 5 ms',
        'end   nothing left in flight: closing cb:C',
        'end   --duration is up: stopping src:S; the rest drains',
        'cancel src:S (1 call, 0 in, 7 out)',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('describes a cancelled node', () => {
    expect(plain(describeEvent({ type: 'node-cancelled', at: 0, node: 'x:Y' })!)).toBe('cancel x:Y');
  });
});

describe('renderPlan', () => {
  it('lists levels with how each node is called, links with their mapping, unwired operations and addresses', () => {
    expect(
      plain(
        renderPlan({
          pipeline: 'p',
          levels: [['a:A', 'e:E'], ['b:B', 'c:C'], ['d:D']],
          nodes: {
            'a:A': { kind: 'server-stream', trigger: 'source', many: true },
            'e:E': { kind: 'server-stream', trigger: 'source', many: true, callback: true },
            'b:B': { kind: 'unary', trigger: 'each', many: true },
            'c:C': { kind: 'bidi', trigger: 'stream', many: true },
            'd:D': { kind: 'unary', trigger: 'source', many: true, loops: true },
          },
          edges: [
            { from: 'a:A', to: 'b:B', mode: 'pass-through', fields: ['x'], stream: true },
            { from: 'a:A', to: 'c:C', mode: 'mapped', fields: ['x'], skipped: ['y: string vs int32'], stream: true },
            { from: 'c:C', to: 'd:D', mode: 'mapped', fields: [], stream: true, loop: true },
          ],
          addresses: { a: 'h:1', bb: 'h:2' },
          not_wired: ['a:Spare'],
          notes: ['blueprint.json /nodes/0: something the proto says otherwise'],
        }),
      ),
    ).toBe(
      [
        'pipeline p: 5 nodes, 3 links, 3 levels',
        '',
        'level 0',
        '  a:A  (server stream)',
        '  e:E  (server stream; callback: closed at the end of the run)',
        '',
        'level 1',
        '  b:B  (per message)',
        '  c:C  (bidirectional stream; one call per run)',
        '',
        'level 2',
        '  d:D  (again each time it ends (--loop))',
        '',
        'links',
        '  a:A -> b:B  (pass-through; stream)',
        '  a:A -> c:C  (mapped: x; not mapped: y: string vs int32; stream)',
        '  c:C -> d:D  (mapped: no common fields; stream; closes a cycle)',
        '',
        'not wired (no link in or out: not called)',
        '  a:Spare',
        '',
        'addresses',
        '  a   h:1',
        '  bb  h:2',
        '',
        'note blueprint.json /nodes/0: something the proto says otherwise',
      ].join('\n'),
    );
  });
});
