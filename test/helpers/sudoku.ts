// Test services for the Graphene sudoku package (its protos from the shared fixture, read in place): a GUI that
// streams sudoku designs and collects their evaluations, an evaluator that hands each design to an answer-set solver
// as a sub-procedure (a job out on its callAnswersetSolver stream, the answer back on receiveAnswersetSolverResult)
// and a solver. The solver reads the evaluator's ASP facts `given(Row,Col,Value).` and enumerates solutions by
// backtracking, up to the number of answers asked for.
import { join } from 'node:path';
import { sharedFixtures } from './cli.js';
import { clientStream, serverStream, startServer, type Message, type TestServer } from './grpc.js';

export const sudokuPackage = join(sharedFixtures, 'graphene-sudoku');
const proto = (container: string) => join(sudokuPackage, 'microservice', `${container}.proto`);

export const GUI = 'sudoku-gui-stream1';
export const EVALUATOR = 'sudoku-design-evaluator-stream1';
export const SOLVER = 'sudoku-aspsolver1';

type Grid = number[];

/** The classic puzzle (unique solution) and its solution, row by row. */
export const UNIQUE: Grid = [
  ...'530070000600195000098000060800060003400803001700020006060000280000419005000080079',
].map(Number);
export const UNIQUE_SOLUTION: Grid = [
  ...'534678912672195348198342567859761423426853791713924856961537284287419635345286179',
].map(Number);
/** Two 5s in the first row: no solution; those two cells are the inconsistency. */
export const CONFLICT: Grid = [5, 5, ...Array<number>(79).fill(0)];
/** Nothing given: many solutions. */
export const EMPTY: Grid = Array<number>(81).fill(0);

const box = (i: number) => Math.floor(Math.floor(i / 9) / 3) * 3 + Math.floor((i % 9) / 3);
const sees = (a: number, b: number) =>
  a !== b && (Math.floor(a / 9) === Math.floor(b / 9) || a % 9 === b % 9 || box(a) === box(b));

/** Up to `limit` solutions of a grid (0 = empty cell). */
export function solve(grid: Grid, limit: number): Grid[] {
  const cells = [...grid];
  for (let i = 0; i < 81; i++) {
    for (let j = 0; j < 81; j++) if (cells[i] && sees(i, j) && cells[i] === cells[j]) return [];
  }
  const found: Grid[] = [];
  const search = (i: number): void => {
    if (found.length >= limit) return;
    if (i === 81) {
      found.push([...cells]);
      return;
    }
    if (cells[i]) return search(i + 1);
    for (let v = 1; v <= 9; v++) {
      let ok = true;
      for (let j = 0; j < 81 && ok; j++) if (sees(i, j) && cells[j] === v) ok = false;
      if (!ok) continue;
      cells[i] = v;
      search(i + 1);
      cells[i] = 0;
    }
  };
  search(0);
  return found;
}

/** A FIFO whose reader waits for the next item (the evaluator's solver jobs, its pending evaluations). */
class Channel<T> {
  private readonly items: T[] = [];
  private readonly readers: ((item: T) => void)[] = [];
  put(item: T): void {
    const reader = this.readers.shift();
    if (reader) reader(item);
    else this.items.push(item);
  }
  take(): Promise<T> {
    const item = this.items.shift();
    return item !== undefined ? Promise.resolve(item) : new Promise((resolve) => this.readers.push(resolve));
  }
}

export interface SudokuServices {
  gui: TestServer;
  evaluator: TestServer;
  solver: TestServer;
  /** What the GUI's processEvaluationResult received, in order. */
  evaluations: Message[];
  addresses: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the three services; the GUI streams `designs` and ends its stream. */
export async function startSudokuServices(designs: Grid[]): Promise<SudokuServices> {
  const evaluations: Message[] = [];
  const gui = await startServer(proto(GUI), {
    requestSudokuEvaluation: serverStream(function* () {
      for (const field of designs) yield { field };
    }),
    processEvaluationResult: clientStream(async (results) => {
      for await (const r of results) evaluations.push(r);
      return {};
    }),
  });

  const jobs = new Channel<Message>();
  const answers = new Channel<Message>();
  const evaluator = await startServer(proto(EVALUATOR), {
    evaluateSudokuDesign: async (job) => {
      const field = (job.field as number[]).map(Number);
      const facts = field.map((v, i) => (v ? `given(${Math.floor(i / 9)},${i % 9},${v}).` : '')).join('');
      jobs.put({ program: facts, parameters: { number_of_answers: 2, return_only_optimal_answers: false } });
      const answer = await answers.take();
      const sets = (answer.answers as { atoms: string[] }[]) ?? [];
      if (sets.length === 1) {
        const solution = Array<number>(81).fill(0);
        for (const atom of sets[0]!.atoms) {
          const [r, c, v] = /^x\((\d),(\d),(\d)\)$/.exec(atom)!.slice(1).map(Number) as [number, number, number];
          solution[r * 9 + c] = v;
        }
        return { status: 1, solution };
      }
      if (sets.length > 1) return { status: 2 };
      const involved = field.map((v, i) => (v && field.some((w, j) => w === v && sees(i, j)) ? v : 0));
      return { status: 0, inconsistency_involved: involved };
    },
    // The sub-procedure: solver jobs go out while evaluateSudokuDesign waits; the stream never ends by itself.
    callAnswersetSolver: serverStream(async function* () {
      for (;;) yield await jobs.take();
    }),
    receiveAnswersetSolverResult: clientStream(async (results) => {
      for await (const r of results) answers.put(r);
      return {};
    }),
  });

  const solver = await startServer(proto(SOLVER), {
    solve: (job) => {
      const grid = Array<number>(81).fill(0);
      for (const m of String(job.program).matchAll(/given\((\d),(\d),(\d)\)\./g)) {
        grid[Number(m[1]) * 9 + Number(m[2])] = Number(m[3]);
      }
      const limit = Number((job.parameters as { number_of_answers?: number } | null)?.number_of_answers) || 1;
      const found = solve(grid, limit);
      return {
        description: { success: true, code: 0, messages: [`${found.length} answer set(s)`] },
        answers: found.map((g) => ({
          atoms: g.map((v, i) => `x(${Math.floor(i / 9)},${i % 9},${v})`),
          costs: [],
          is_known_optimal: false,
        })),
      };
    },
  });

  return {
    gui,
    evaluator,
    solver,
    evaluations,
    addresses: { [GUI]: gui.address, [EVALUATOR]: evaluator.address, [SOLVER]: solver.address },
    stop: async () => {
      await Promise.all([gui.stop(), evaluator.stop(), solver.stop()]);
    },
  };
}
