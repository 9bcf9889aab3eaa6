// The Graphene sudoku package (real platform output, read in place) run against test services written here: the GUI
// streams three designs; each is evaluated by a unary call that, inside the evaluator, sends a solver job out on a
// stream and waits for the answer to come back through the solver on another stream — a loop between containers
// broken by streams. The run ends by itself once the GUI's stream has ended and every evaluation is back: the
// evaluator's job stream only waits then, so the engine closes it, and everything downstream finishes.
import { afterEach, describe, expect, it } from 'vitest';
import { executeRun, prepareRun, type EngineEvent } from '../../src/engine/index.js';
import { runCli } from '../helpers/cli.js';
import {
  CONFLICT,
  EMPTY,
  EVALUATOR,
  GUI,
  SOLVER,
  UNIQUE,
  UNIQUE_SOLUTION,
  startSudokuServices,
  sudokuPackage,
  type SudokuServices,
} from '../helpers/sudoku.js';

let services: SudokuServices | undefined;
afterEach(async () => {
  await services?.stop();
  services = undefined;
});

const evaluate = `${EVALUATOR}:evaluateSudokuDesign`;
const callSolver = `${EVALUATOR}:callAnswersetSolver`;
const receive = `${EVALUATOR}:receiveAnswersetSolverResult`;
const request = `${GUI}:requestSudokuEvaluation`;
const show = `${GUI}:processEvaluationResult`;
const solve = `${SOLVER}:solve`;

/** What the evaluations must be for the designs UNIQUE, CONFLICT, EMPTY. */
function expectEvaluations(evaluations: { status?: unknown; solution?: unknown; inconsistency_involved?: unknown }[]) {
  expect(evaluations.map((e) => e.status)).toEqual([1, 0, 2]);
  expect(evaluations[0]!.solution).toEqual(UNIQUE_SOLUTION);
  expect(evaluations[1]!.inconsistency_involved).toEqual([5, 5, ...Array<number>(79).fill(0)]);
  expect(evaluations[2]!.solution).toEqual([]);
}

describe('the Graphene sudoku package', () => {
  it('runs to the end by itself with every evaluation correct', async () => {
    services = await startSudokuServices([UNIQUE, CONFLICT, EMPTY]);
    const prepared = prepareRun(sudokuPackage, { addresses: services.addresses });
    const events: EngineEvent[] = [];
    const result = await executeRun(prepared, { waitTimeoutMs: 10_000 }, (e) => events.push(e));

    expect(result.summary.status).toBe('succeeded');
    // The GUI got the three evaluations, in the order it asked.
    expectEvaluations(services.evaluations);
    expectEvaluations(result.results[evaluate] as never);
    expect(result.results[request]).toHaveLength(3);
    expect((result.results[solve] as { answers: unknown[] }[]).map((r) => r.answers.length)).toEqual([1, 0, 2]);
    expect(result.results[callSolver]).toHaveLength(3);
    expect(result.results[show]).toEqual({});
    expect(result.results[receive]).toEqual({});

    const summary = (id: string) => {
      const s = result.summary.nodes[id]!;
      return [s.status, s.calls, s.messages_in, s.messages_out];
    };
    expect(summary(request)).toEqual(['succeeded', 1, 0, 3]);
    expect(summary(evaluate)).toEqual(['succeeded', 3, 3, 3]);
    expect(summary(show)).toEqual(['succeeded', 1, 3, 1]);
    expect(summary(callSolver)).toEqual(['succeeded', 1, 0, 3]);
    expect(summary(solve)).toEqual(['succeeded', 3, 3, 3]);
    expect(summary(receive)).toEqual(['succeeded', 1, 3, 1]);
    // The job stream was the one call that could only wait: the engine closed it.
    expect(events.filter((e) => e.type === 'run-ending')).toEqual([
      expect.objectContaining({ reason: 'idle', nodes: [callSolver] }),
    ]);
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });

  it('runs with the built CLI: results on stdout, exit 0', async () => {
    services = await startSudokuServices([UNIQUE, CONFLICT, EMPTY]);
    const addresses = Object.entries(services.addresses).flatMap(([c, a]) => ['--address', `${c}=${a}`]);
    const r = await runCli(['orchestrate', sudokuPackage, ...addresses, '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(results)).toEqual([request, callSolver, evaluate, solve, show, receive]);
    expectEvaluations(results[evaluate] as never);
    expectEvaluations(services.evaluations);
  });
});
