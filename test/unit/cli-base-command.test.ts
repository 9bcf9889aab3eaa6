// BaseCommand.logJson (src/cli/base-command.ts) writes a --json document itself when no theme colours JSON, as
// aieffect has none: the text must be exactly what oclif's logJson writes then (its colorizeJson, no colours).
import { fileURLToPath } from 'node:url';
import { Command } from '@oclif/core/command';
import { Config } from '@oclif/core/config';
import { ux } from '@oclif/core/ux';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BaseCommand } from '../../src/cli/base-command.js';

const document = {
  results: {
    'a:Echo': { data: 'quote " backslash \\ tab \t newline \n é 𝄞 \u0001', seq: '-12', n: -1.5e-7, ok: true },
  },
  empty: { list: [], object: {} },
  nested: [[1, [2, [3]]], null, false, 0, 1e21],
  'key with "quotes"': 'x'.repeat(100),
};

class Print extends BaseCommand {
  async run(): Promise<void> {}

  ours(json: unknown): void {
    this.logJson(json);
  }

  oclifs(json: unknown): void {
    (Command.prototype as unknown as { logJson(json: unknown): void }).logJson.call(this, json);
  }
}

afterEach(() => vi.restoreAllMocks());

describe('BaseCommand.logJson', () => {
  it("writes oclif's text for the document, unchanged", async () => {
    const config = await Config.load({ root: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(config.theme?.json).toBeUndefined();
    const command = new Print([], config);
    const written = vi.spyOn(ux, 'stdout').mockImplementation(() => {});
    command.ours(document);
    command.oclifs(document);
    expect(written).toHaveBeenCalledTimes(2);
    const [ours, oclifs] = written.mock.calls;
    expect(ours).toEqual(oclifs);
    expect(ours).toHaveLength(1);
    expect(JSON.parse(ours![0] as string)).toEqual(document);
  });
});
