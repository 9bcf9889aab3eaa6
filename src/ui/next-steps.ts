// The "what to do next" block the generating commands (export, build, compose) print after what they wrote.

export function renderNextSteps(lines: string[]): string {
  return `next:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}
