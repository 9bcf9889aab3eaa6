// The one error type for mistakes a user can cause (bad files, bad flags, unreachable services). Commands turn it
// into one line on stderr (or {"error": ...} with --json) and exit 1 (input) or 2 (usage); anything else is a bug and
// keeps its stack.

export type ExitCode = 1 | 2;

export interface UserErrorOptions {
  /** What the user can do about it. Rendered on its own line after the message. */
  hint?: string;
  /** 1: the input (files, services) is wrong; 2: the command line is wrong. */
  exit?: ExitCode;
  /** The file the error is about, when there is one. */
  file?: string;
  /** JSON pointer (or line:column) inside that file. */
  pointer?: string;
  /** Machine-readable details (e.g. the node, the gRPC status), shown with --json. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Thrown when the user's input, files or environment are wrong; never for bugs. */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: string;
  readonly exit: ExitCode;
  readonly hint?: string;
  readonly file?: string;
  readonly pointer?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exit = options.exit ?? 1;
    this.hint = options.hint;
    this.file = options.file;
    this.pointer = options.pointer;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.file !== undefined) out.file = this.file;
    if (this.pointer !== undefined) out.pointer = this.pointer;
    if (this.details !== undefined) Object.assign(out, this.details);
    return out;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
