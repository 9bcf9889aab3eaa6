// The colours of everything aieffect prints, decided once per stream. chalk 5 reads FORCE_COLOR and whether the stream
// is a terminal, but not NO_COLOR (https://no-color.org): a set, non-empty NO_COLOR turns colour off here, unless
// FORCE_COLOR is set too (which wins, as it does for Node itself). Every module that colours text imports from here.
import { Chalk, supportsColor, supportsColorStderr, type ChalkInstance, type ColorSupportLevel } from 'chalk';

/** The colour level for a stream whose detected support (chalk's: FORCE_COLOR, TERM, a terminal) is `detected`. */
export function colorLevel(detected: ColorSupportLevel, env: NodeJS.ProcessEnv = process.env): ColorSupportLevel {
  if (env.FORCE_COLOR === undefined && env.NO_COLOR) return 0;
  return detected;
}

/** Colours for stderr (progress, notes, errors). */
export const stderrColor: ChalkInstance = new Chalk({
  level: colorLevel(supportsColorStderr ? supportsColorStderr.level : 0),
});

/** Colours for stdout (results meant for people, e.g. --plan). */
export const stdoutColor: ChalkInstance = new Chalk({ level: colorLevel(supportsColor ? supportsColor.level : 0) });
