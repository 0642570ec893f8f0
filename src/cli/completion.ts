/**
 * Shell completion scripts written from the command tree itself, so they never drift from the
 * commands: `portledger completion bash|zsh|fish`. Commands, subcommands and options complete;
 * option values that name files complete as files.
 */
import type { Command, Option } from 'commander';

interface Node {
  path: string[];
  commands: string[];
  options: string[];
  descriptions: Map<string, string>;
}

function walk(cmd: Command, path: string[] = []): Node[] {
  const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const opts = (cmd.options as Option[]).filter((o) => !o.hidden);
  const descriptions = new Map<string, string>();
  for (const c of visible) descriptions.set(c.name(), c.description());
  for (const o of opts) descriptions.set(o.long ?? o.short ?? '', o.description);
  const node: Node = {
    path,
    commands: visible.map((c) => c.name()),
    options: opts.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)),
    descriptions,
  };
  return [node, ...visible.flatMap((c) => walk(c, [...path, c.name()]))];
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const FILE_OPTIONS = ['--db', '--out', '--alerts-file', '--geoip', '--token-file'];

function bash(nodes: Node[]): string {
  const known = nodes.filter((n) => n.path.length > 0).map((n) => quote(n.path.join(' '))).join('|');
  const cases = nodes.map((n) => `    ${n.path.length ? quote(n.path.join(' ')) : "''"}) words=${quote([...n.commands, ...n.options, '--help'].join(' '))} ;;`).join('\n');
  return `# portledger bash completion: source it, or save it as /etc/bash_completion.d/portledger
_portledger() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" next w i words=""
  case "$prev" in
    ${FILE_OPTIONS.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    next="\${path:+$path }$w"
    case "$next" in ${known}) path="$next" ;; esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -F _portledger portledger
`;
}

function zsh(nodes: Node[]): string {
  return `#compdef portledger
# portledger zsh completion: save as _portledger in a folder of $fpath
${bash(nodes).replace('complete -F _portledger portledger', '')}
autoload -U +X bashcompinit && bashcompinit
complete -F _portledger portledger
`;
}

function fish(nodes: Node[]): string {
  const lines: string[] = ['# portledger fish completion: save as ~/.config/fish/completions/portledger.fish', 'complete -c portledger -f'];
  for (const n of nodes) {
    const cond = n.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
    for (const c of n.commands) lines.push(`complete -c portledger -n ${quote(cond)} -a ${quote(c)} -d ${quote(n.descriptions.get(c) ?? '')}`);
    for (const o of n.options.filter((x) => x.startsWith('--'))) {
      const file = FILE_OPTIONS.includes(o) ? ' -F' : '';
      lines.push(`complete -c portledger -n ${quote(cond)} -l ${o.slice(2)}${file} -d ${quote((n.descriptions.get(o) ?? '').slice(0, 80))}`);
    }
  }
  return lines.join('\n') + '\n';
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function completionScript(program: Command, shell: (typeof SHELLS)[number]): string {
  const nodes = walk(program);
  return shell === 'bash' ? bash(nodes) : shell === 'zsh' ? zsh(nodes) : fish(nodes);
}
