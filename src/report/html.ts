// The run report as one self-contained HTML page: the outcome, the pipeline graph coloured by each node's status, a
// timeline (builds, services started or waited for, then one bar per node with its retries), a table of the nodes and
// the warnings. Styles and the small script are inlined from templates/report/; nothing is fetched, so the page reads
// the same from a CI artefact, an e-mail or a machine without network. Every name goes through markup`` escaping.
import { readFileSync } from 'node:fs';
import { formatDuration } from '../ui/progress.js';
import { markup, trusted, type Html } from './html-text.js';
import type { RunTimeline, TimelineNode, TimelineStep } from './timeline.js';
import type { Picture } from '../picture/model.js';

const TEMPLATES = new URL('../../templates/report/', import.meta.url);

/** The outcome of the command: the run's status, or `unfinished` when it ended before the run did. */
export type ReportStatus = 'succeeded' | 'failed' | 'cancelled' | 'unfinished';

export interface ReportInput {
  /** The command line as run (for the reader: what produced this page). */
  command: string;
  status: ReportStatus;
  pipeline?: string;
  picture?: Picture;
  /** The picture as inline SVG, node classes carrying each status (see statusClasses). */
  svg?: string;
  /** Why the graph is not shown, when it is not. */
  graphNote?: string;
  timeline: RunTimeline;
  /** The error the command ended with, if any. */
  error?: { code: string; message: string; hint?: string };
  /** `aieffect 0.1.0`. */
  generator: string;
  createdAt: Date;
}

/** The class of a status in the page and the SVG (`not run` -> `status-not-run`). */
export function statusClass(status: string): string {
  return `status-${status.replace(/\s+/g, '-')}`;
}

/** The SVG node classes of a timeline: node id -> `status-...`, for toDot's `classes`. */
export function statusClasses(timeline: RunTimeline): Map<string, string> {
  return new Map(timeline.nodes.map((n) => [n.id, statusClass(n.status)]));
}

function iso(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Tick spacing of 1, 2 or 5 times a power of ten milliseconds, for at most about eight ticks. */
function tickStep(span: number): number {
  const rough = span / 8;
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
}

interface Scale {
  start: number;
  span: number;
  /** Percent of the track from its left edge. */
  at(ms: number): number;
}

function scaleOf(timeline: RunTimeline): Scale | undefined {
  const times = [
    timeline.start,
    timeline.end,
    ...timeline.steps.flatMap((s) => [s.start, s.end]),
    ...timeline.nodes.flatMap((n) => [n.start, n.end]),
  ].filter((t): t is number => t !== undefined);
  if (times.length === 0) return undefined;
  const start = Math.min(...times);
  const span = Math.max(Math.max(...times) - start, 1);
  return { start, span, at: (ms) => ((ms - start) / span) * 100 };
}

function pct(value: number): string {
  return `${Math.max(0, Math.min(100, value)).toFixed(3)}%`;
}

/** A bar from `start` to `end` (open to the right edge when it never ended). */
function bar(scale: Scale, start: number, end: number | undefined, classes: string, title: string): Html {
  const left = scale.at(start);
  const right = end === undefined ? 100 : scale.at(end);
  const style = `left:${pct(left)};width:${pct(right - left)}`;
  return markup`<div class="bar ${classes}${end === undefined ? ' open' : ''}" style="${style}" title="${title}"></div>`;
}

/** Text beside a bar: after it, or before it when the bar ends near the right edge (or at the left without a bar). */
function barText(scale: Scale, start: number | undefined, end: number | undefined, text: string): Html {
  if (start === undefined) return markup`<span class="bar-text" style="left:0">${text}</span>`;
  const right = end === undefined ? 100 : scale.at(end);
  if (right > 70) return markup`<span class="bar-text before" style="left:${pct(scale.at(start))}">${text}</span>`;
  return markup`<span class="bar-text" style="left:${pct(right)}">${text}</span>`;
}

function axis(scale: Scale): Html {
  const step = tickStep(scale.span);
  const ticks: Html[] = [];
  for (let t = 0; t <= scale.span; t += step) {
    ticks.push(markup`<span class="tick" style="left:${pct((t / scale.span) * 100)}">+${formatDuration(t)}</span>`);
  }
  return markup`<div class="row axis"><div class="label note">from ${iso(scale.start)}</div><div class="track">${ticks}</div></div>`;
}

function groupRow(label: string): Html {
  return markup`<div class="row group"><div class="label">${label}</div><div class="track"></div></div>`;
}

const STEP_GROUP: Record<TimelineStep['kind'], string> = {
  build: 'builds',
  start: 'services started',
  wait: 'services waited for',
};

function stepRows(scale: Scale, steps: TimelineStep[]): Html[] {
  const rows: Html[] = [];
  for (const kind of ['build', 'start', 'wait'] as const) {
    const of = steps.filter((s) => s.kind === kind);
    if (of.length === 0) continue;
    rows.push(groupRow(STEP_GROUP[kind]));
    for (const s of of) {
      const took = s.end === undefined ? 'unfinished' : formatDuration(s.end - s.start);
      const failed = kind === 'wait' ? `not ready after ${took}` : `failed after ${took}`;
      const text = s.status === 'failed' ? failed : took;
      const title = `${s.name}${s.detail ? ` (${s.detail})` : ''}: ${text}`;
      const cls = statusClass(s.status);
      rows.push(
        markup`<div class="row step ${cls}"><div class="label mono" title="${title}">${s.name}</div><div class="track">${bar(scale, s.start, s.end, `step ${cls}`, title)}${barText(scale, s.start, s.end, text)}</div></div>`,
      );
    }
  }
  return rows;
}

/** A streaming node's calls and messages: `3 calls, 3 in, 3 out`. */
function countsText(n: TimelineNode): string {
  const c = n.counters;
  return c ? `${plural(c.calls, 'call')}, ${c.messagesIn} in, ${c.messagesOut} out` : '';
}

/** What a node's row says beside its bar: its duration, attempts and messages, or why it did not run. */
function nodeText(n: TimelineNode): string {
  if (n.status === 'skipped') return `skipped: ${n.reason ?? ''}`;
  if (n.status === 'not run') return 'not run';
  const parts = [n.durationMs === undefined ? 'unfinished' : formatDuration(n.durationMs)];
  // A node called per message makes an attempt per call: only more attempts than calls are retries.
  if (n.attempts > Math.max(1, n.counters?.calls ?? 1)) parts.push(plural(n.attempts, 'attempt'));
  if (n.counters) parts.push(countsText(n));
  if (n.status === 'failed' && n.error) parts.push(n.error.code);
  if (n.status === 'cancelled') parts.push('cancelled');
  return parts.join(' · ');
}

function nodeRows(scale: Scale, timeline: RunTimeline, keys: Map<string, string>): Html[] {
  if (timeline.nodes.length === 0) return [];
  const rows = [groupRow(plural(timeline.nodes.length, 'node'))];
  for (const n of timeline.nodes) {
    const text = nodeText(n);
    const title = `${n.id}: ${text}`;
    const cls = statusClass(n.status);
    const bars = n.start === undefined ? [] : [bar(scale, n.start, n.end, cls, title)];
    const retries = n.retries.map((r) => {
      const why = `attempt ${r.attempt} failed: ${r.error.code}: ${r.error.message}; retried after ${formatDuration(r.delayMs)}`;
      return markup`<span class="retry" style="left:${pct(scale.at(r.at))}" title="${why}"></span>`;
    });
    rows.push(
      markup`<div class="row node ${cls}" data-node="${n.id}" data-key="${keys.get(n.id)}" tabindex="0"><div class="label mono" title="${title}">${n.id}</div><div class="track">${bars}${retries}${barText(scale, n.start, n.end, text)}</div></div>`,
    );
  }
  return rows;
}

function timelineSection(timeline: RunTimeline, keys: Map<string, string>): Html {
  const scale = scaleOf(timeline);
  if (!scale) return markup`<p class="note">Nothing ran: the command stopped before the first event.</p>`;
  const rows = [axis(scale), ...stepRows(scale, timeline.steps), ...nodeRows(scale, timeline, keys)];
  return markup`<div class="timeline">${rows}</div>`;
}

function nodeTable(timeline: RunTimeline, keys: Map<string, string>): Html {
  if (timeline.nodes.length === 0) return markup``;
  const rows = timeline.nodes.map((n) => {
    const why = n.error ? `${n.error.code}: ${n.error.message}` : (n.reason ?? '');
    const took = n.durationMs === undefined ? '' : formatDuration(n.durationMs);
    return markup`<tr data-key="${keys.get(n.id)}"><td class="mono">${n.id}</td><td class="num">${n.level < 0 ? '' : n.level}</td><td><span class="status ${statusClass(n.status)}">${n.status}</span></td><td class="mono">${iso(n.start)}</td><td class="mono">${iso(n.end)}</td><td class="num">${took}</td><td class="num">${n.attempts}</td><td class="num">${countsText(n)}</td><td>${why}</td></tr>`;
  });
  const head = ['node', 'level', 'status', 'start', 'end', 'duration', 'attempts', 'messages', 'error or reason'];
  return markup`<section id="nodes"><h2>Nodes</h2><table><thead><tr>${head.map((h) => markup`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

function graphSection(input: ReportInput): Html {
  if (!input.svg) {
    const note = input.graphNote ?? 'The pipeline could not be loaded, so there is no graph.';
    return markup`<section id="graph"><h2>Pipeline</h2><p class="note">${note}</p></section>`;
  }
  const statuses = ['succeeded', 'failed', 'cancelled', 'skipped', 'not run'].map(
    (s) => markup`<li><span class="swatch ${statusClass(s)}"></span>${s}</li>`,
  );
  const links = markup`<li><span class="line"></span>unary link</li><li><span class="line stream"></span>stream link</li><li>grey, dashed: not wired (never called)</li>`;
  return markup`<section id="graph"><h2>Pipeline</h2><div class="picture">${trusted(input.svg)}</div><ul class="legend">${statuses}${links}</ul></section>`;
}

function counts(timeline: RunTimeline): string {
  const by = new Map<string, number>();
  for (const n of timeline.nodes) by.set(n.status, (by.get(n.status) ?? 0) + 1);
  return [...by].map(([status, n]) => `${n} ${status}`).join(', ');
}

function template(name: string): string {
  return readFileSync(new URL(name, TEMPLATES), 'utf8');
}

function header(input: ReportInput, name: string | undefined): Html {
  const { timeline } = input;
  // The whole command (builds and service start-up included), then the pipeline's own run when it had one.
  const overall =
    timeline.start !== undefined && timeline.end !== undefined ? timeline.end - timeline.start : undefined;
  const local = timeline.steps.some((s) => s.kind !== 'wait');
  const pipeline =
    timeline.durationMs === undefined || !local ? '' : ` (the pipeline: ${formatDuration(timeline.durationMs)})`;
  const facts: [string, Html | string][] = [
    ['command', markup`<code>${input.command}</code>`],
    ['started', iso(timeline.start)],
    ['ended', iso(timeline.end)],
    ['duration', overall === undefined ? '' : `${formatDuration(overall)}${pipeline}`],
    ['nodes', counts(timeline)],
  ];
  const shown = facts.filter(([, v]) => v !== '').map(([k, v]) => markup`<dt>${k}</dt><dd>${v}</dd>`);
  const hint = input.error?.hint ? markup`<div class="hint">${input.error.hint}</div>` : markup``;
  const error = input.error
    ? markup`<div class="error" role="alert"><strong class="mono">${input.error.code}</strong> ${input.error.message}${hint}</div>`
    : markup``;
  return markup`<header><h1><span>${name ?? 'Pipeline run'}</span> <span class="badge ${statusClass(input.status)}">${input.status}</span></h1><dl class="facts">${shown}</dl>${error}</header>`;
}

function warningsSection(timeline: RunTimeline): Html {
  if (timeline.warnings.length === 0) return markup``;
  const items = timeline.warnings.map((w) => {
    const node = w.node === undefined ? markup`` : markup`<code>${w.node}</code>: `;
    return markup`<li><span class="mono">${iso(w.at)}</span> ${node}${w.message}</li>`;
  });
  return markup`<section id="warnings"><h2>Warnings</h2><ul class="warnings">${items}</ul></section>`;
}

/** The report page. Deterministic: the same input gives the same bytes (the times in it are the run's). */
export function renderReport(input: ReportInput): string {
  const keys = new Map((input.picture?.operations ?? []).map((o) => [o.id, o.key]));
  const name = input.pipeline ?? input.picture?.name;
  const timeline = markup`<section id="timeline"><h2>Timeline</h2>${timelineSection(input.timeline, keys)}</section>`;
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${input.generator}">
<title>${name ?? 'pipeline'}: ${input.status}</title>
<style>
${trusted(template('report.css'))}</style>
</head>
<body data-status="${input.status}">
${header(input, name)}
<main>
${graphSection(input)}
${timeline}
${nodeTable(input.timeline, keys)}
${warningsSection(input.timeline)}
</main>
<footer>Written by ${input.generator} on ${input.createdAt.toISOString()}. Self-contained: nothing to load, no network needed to read it.</footer>
<script>
${trusted(template('report.js'))}</script>
</body>
</html>
`.text;
}
