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

  it('describes a cancelled node', () => {
    expect(plain(describeEvent({ type: 'node-cancelled', at: 0, node: 'x:Y' })!)).toBe('cancel x:Y');
  });
});

describe('renderPlan', () => {
  it('lists levels, links with their mapping, addresses and streaming nodes', () => {
    expect(
      plain(
        renderPlan({
          pipeline: 'p',
          levels: [['a:A'], ['b:B', 'c:C']],
          edges: [
            { from: 'a:A', to: 'b:B', mode: 'pass-through', fields: ['x'] },
            { from: 'a:A', to: 'c:C', mode: 'mapped', fields: ['x'], skipped: ['y: string vs int32'] },
          ],
          addresses: { a: 'h:1', bb: 'h:2' },
          streaming: ['c:C'],
          not_wired: ['a:Spare'],
          notes: ['blueprint.json /nodes/0: something the proto says otherwise'],
        }),
      ),
    ).toBe(
      [
        'pipeline p: 3 nodes, 2 links, 2 levels',
        '',
        'level 0',
        '  a:A',
        '',
        'level 1',
        '  b:B',
        '  c:C  (streaming)',
        '',
        'links',
        '  a:A -> b:B  (pass-through)',
        '  a:A -> c:C  (mapped: x; not mapped: y: string vs int32)',
        '',
        'not wired (no link in or out: not called)',
        '  a:Spare',
        '',
        'addresses',
        '  a   h:1',
        '  bb  h:2',
        '',
        'note blueprint.json /nodes/0: something the proto says otherwise',
        '',
        'note streaming operations are not supported yet: c:C',
      ].join('\n'),
    );
  });
});
