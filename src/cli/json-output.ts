// The one --json contract of every command (schemas/cli-output.schema.json, README "--json"): snake_case keys, the
// same key for the same thing, errors as {"error": {...}}. Commands build their result through these helpers, so a
// writer names what it wrote the same way whatever it writes: `output_dir` (absolute) and `files` (relative to it,
// with `/`), then `notes` (what stderr said besides) and `next` (the commands to run next).
import { basename, dirname, relative, resolve, sep } from 'node:path';

/** What every command that writes files reports with --json. */
export interface WriterJson {
  /** Absolute path of the folder written into. */
  output_dir: string;
  /** Every file written, relative to output_dir, `/`-separated, in a fixed order. */
  files: string[];
  /** Notes printed on stderr (skipped services, rewritten addresses, ...), one string each. */
  notes: string[];
  /** Commands to run next, as printed under "next:". */
  next: string[];
}

export interface Written {
  /** The folder written into. */
  outputDir: string;
  /** Paths of the files written: relative to outputDir, or absolute (made relative here). */
  files: string[];
  notes?: string[];
  next?: string[];
}

/** A path relative to `dir`, with `/` on every platform. */
function relativeTo(dir: string, path: string): string {
  return relative(dir, resolve(dir, path)).split(sep).join('/');
}

/** A command's own keys beside the common ones: snake_case, and never one of the common keys. */
export type OwnKeys = Record<string, unknown> & { [K in keyof WriterJson]?: never };

/** The --json result of a writer: the common keys around the command's own (`extra`). */
export function writerJson<T extends OwnKeys>(written: Written, extra: T): WriterJson & T {
  const outputDir = resolve(written.outputDir);
  return {
    output_dir: outputDir,
    files: written.files.map((file) => relativeTo(outputDir, file)),
    ...extra,
    notes: written.notes ?? [],
    next: written.next ?? [],
  };
}

/** For a writer of one file: its folder is output_dir, its name the one entry of files. */
export function oneFile(path: string): Pick<Written, 'outputDir' | 'files'> {
  const absolute = resolve(path);
  return { outputDir: dirname(absolute), files: [basename(absolute)] };
}
