// How oclif reads a command line, answered from the package's own files before oclif is loaded: which of our commands
// a command line runs (main.js and help/util.js of @oclif/core, with a space as topic separator), and the user agent
// `--version` prints (Config's userAgent). src/start.ts runs our commands through oclif's Config with these answers
// and leaves everything else (help, topics, plugins' commands, unknown commands) to oclif's own execute.

/** What oclif.manifest.json says of a command that matters here. */
export interface ManifestCommand {
  args?: Record<string, unknown>;
  strict?: boolean;
}

export interface CommandLine {
  id: string;
  argv: string[];
}

/** oclif shows help when a command line is empty or has `--help` before `--` (main.js helpAddition). */
function asksForHelp(argv: string[]): boolean {
  if (argv.length === 0) return true;
  for (const arg of argv) {
    if (arg === '--help') return true;
    if (arg === '--') return false;
  }
  return false;
}

/** Every command id and every topic above one (`add` for `add:service`), as oclif's collectUsableIds. */
function usableIds(ids: string[]): Set<string> {
  const usable = new Set<string>();
  for (const id of ids) {
    const parts = id.split(':');
    for (let i = 1; i <= parts.length; i++) usable.add(parts.slice(0, i).join(':'));
  }
  return usable;
}

/** The id oclif reads from space-separated words (help/util.js collateSpacedCmdIDFromArgs). */
function spacedId(argv: string[], commands: Record<string, ManifestCommand>): string {
  const usable = usableIds(Object.keys(commands));
  const final: string[] = [];
  const idOf = (next?: string) => (next ? [...final, next] : final).filter(Boolean).join(':');
  const hasArgs = () => {
    const cmd = commands[idOf()];
    return cmd !== undefined && (cmd.strict === false || Object.keys(cmd.args ?? {}).length > 0);
  };
  for (const arg of argv) {
    if (usable.has(idOf(arg))) final.push(arg);
    else if (arg.includes('=') || arg.startsWith('-') || hasArgs()) break;
    else final.push(arg);
  }
  return idOf();
}

/**
 * The command of `commands` (the manifest's) that oclif would run for `argv`, and the arguments it would pass it;
 * undefined when oclif would do something else (show help, run another plugin's command or a topic, report an unknown
 * command). Only our own commands are known here: a command line that could name another plugin's command goes to
 * oclif, which knows them all.
 */
export function commandLine(argv: string[], commands: Record<string, ManifestCommand>): CommandLine | undefined {
  if (asksForHelp(argv)) return undefined;
  // help/util.js normalizeArgv: words become an id unless the first one already is one with colons.
  let words = argv;
  if (argv.length > 1 && !argv[0]!.includes(':')) {
    const id = spacedId(argv, commands);
    if (id) words = [id, ...argv.slice(id.split(':').length)];
  }
  const [id, ...rest] = words;
  return Object.hasOwn(commands, id!) ? { id: id!, argv: rest } : undefined;
}

/** oclif's Config.userAgent: `aieffect/0.1.0 linux-x64 node-v20.20.2`. */
export function userAgent(name: string, version: string, platform: string, arch: string): string {
  return `${name}/${version} ${platform}-${arch === 'ia32' ? 'x86' : arch} node-${process.version}`;
}
