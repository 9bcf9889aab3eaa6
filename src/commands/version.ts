// `aieffect version`: the same line as `aieffect --version`, and with --json the parts of it as keys.
import { BaseCommand } from '../cli/base-command.js';

export interface VersionJson {
  name: string;
  version: string;
  node_version: string;
  platform: string;
  arch: string;
}

export default class Version extends BaseCommand {
  static override summary = 'Print the version of aieffect, Node.js and the platform.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json'];

  async run(): Promise<VersionJson> {
    await this.parse(Version);
    // The line `--version` prints (oclif's user agent): aieffect/0.1.0 linux-x64 node-v20.19.0
    this.log(this.config.userAgent);
    return {
      name: this.config.name,
      version: this.config.version,
      node_version: process.versions.node,
      platform: this.config.platform,
      arch: this.config.arch,
    };
  }
}
