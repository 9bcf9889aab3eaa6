// The smallest oclif CLI there is (bench/cli.bench.ts): one command that prints a line, found by oclif's explicit
// command strategy (no folder scan, no manifest), started by oclif's own entry (run.js).
import { Command } from '@oclif/core';

class Hello extends Command {
  static summary = 'Prints hello.';

  async run() {
    this.log('hello');
  }
}

export const COMMANDS = { hello: Hello };
