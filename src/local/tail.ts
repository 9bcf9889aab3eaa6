// The last lines a process wrote (stdout and stderr interleaved as they arrived): what an error shows when a service
// dies or never turns healthy, without keeping a chatty service's whole output in memory.

const MAX_LINE = 1000;

export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly max = 40) {}

  /** Adds a chunk of output; returns the complete lines it finished (for live forwarding). */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    // A process that never writes a newline must not grow the partial line forever.
    if (this.partial.length > MAX_LINE) {
      parts.push(this.partial);
      this.partial = '';
    }
    const done = parts.map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}...` : line));
    for (const line of done) this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    return done;
  }

  /** The kept lines, the unfinished last one included. */
  get(): string[] {
    return this.partial ? [...this.lines, this.partial].slice(-this.max) : [...this.lines];
  }
}
