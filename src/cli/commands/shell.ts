import fs from 'node:fs';
import path from 'node:path';
import { Argument, type Command } from 'commander';
import { completionScript, SHELLS } from '../completion';
import { manPage } from '../manpage';
import { packageVersion } from '../version';

/** The root command, from any subcommand. */
function root(c: Command): Command {
  let r = c;
  while (r.parent) r = r.parent;
  return r;
}

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash: source <(portledger completion bash))')
    .addArgument(new Argument('<shell>', 'bash | zsh | fish').choices(SHELLS))
    .action((shell: (typeof SHELLS)[number], _o, cmd: Command) => void process.stdout.write(completionScript(root(cmd), shell)));
  program
    .command('man')
    .description('print the manual page (man portledger, once installed)')
    .option('--out <file>', 'write it to this file (the build does: dist/man/portledger.1)')
    .action((o: { out?: string }, cmd: Command) => {
      const page = manPage(root(cmd), packageVersion(), new Date().toISOString().slice(0, 10));
      if (!o.out) return void process.stdout.write(page);
      fs.mkdirSync(path.dirname(o.out), { recursive: true });
      fs.writeFileSync(o.out, page);
    });
}
