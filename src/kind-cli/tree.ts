// kind's command tree (kind v0.33.0's pkg/cmd/kind/*): names, usage lines, descriptions, flags and
// argument rules, as data. Only the commands this CLI implements are here: `build` (node images) and
// `completion` (shell scripts) are left out, and so are not listed in the root's help.
import type { FlagSpec } from './flags.js'

export type CommandId =
  | 'root'
  | 'get'
  | 'get clusters'
  | 'get nodes'
  | 'get kubeconfig'
  | 'load'
  | 'load docker-image'
  | 'load image-archive'
  | 'export'
  | 'export logs'
  | 'export kubeconfig'
  | 'delete'
  | 'delete cluster'
  | 'delete clusters'
  | 'create'
  | 'create cluster'
  | 'version'
  | 'help'

/**
 * How a command checks its positional arguments (cobra's Args): none allowed, at most n, at least one
 * (with the command's own message), anything, or cobra's default (only the root refuses unknown words).
 */
export type ArgsRule = { kind: 'none' } | { kind: 'max'; n: number } | { kind: 'min1'; message: string } | { kind: 'any' } | { kind: 'default' }

export interface CommandSpec {
  id: CommandId
  name: string
  /** cobra's Use: the name, then what the arguments look like. */
  use: string
  short: string
  long: string
  flags: FlagSpec[]
  args: ArgsRule
  /** Whether it runs anything (cobra's Runnable): the root only shows help. */
  runnable: boolean
  subcommands: CommandSpec[]
}

const NAME_USAGE = 'the cluster context name'
const KUBECONFIG_USAGE = 'sets kubeconfig path instead of $KUBECONFIG or $HOME/.kube/config'
const name = (usage = NAME_USAGE): FlagSpec => ({ name: 'name', short: 'n', type: 'string', usage, defaultValue: 'kind' })
const kubeconfig: FlagSpec = { name: 'kubeconfig', type: 'string', usage: KUBECONFIG_USAGE }
const internal: FlagSpec = { name: 'internal', type: 'bool', usage: 'use internal address instead of external' }
const nodes: FlagSpec = { name: 'nodes', type: 'strings', usage: 'comma separated list of nodes to load images into' }

/** Persistent flags of the root, inherited by every command. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'verbosity', short: 'v', type: 'int32', usage: 'info log verbosity, higher value produces more output', defaultValue: '0' },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'silence all stderr output' }
]

const IDEMPOTENT = `This is an idempotent operation, meaning it may be called multiple times without
failing (like "rm -f"). If the cluster resources exist they will be deleted, and
if the cluster is already gone it will just return success.

Errors will only occur if the cluster resources exist and are not able to be deleted.
`

function command(id: CommandId, use: string, short: string, long: string, more: Partial<CommandSpec> = {}): CommandSpec {
  return { id, name: use.split(' ')[0], use, short, long, flags: [], args: { kind: 'none' }, runnable: true, subcommands: [], ...more }
}

function parent(id: CommandId, short: string, long: string, subcommands: CommandSpec[], args: ArgsRule = { kind: 'default' }): CommandSpec {
  return command(id, id, short, long, { args, subcommands })
}

export const KIND_COMMANDS: CommandSpec = command(
  'root',
  'kind',
  'kind is a tool for managing local Kubernetes clusters',
  "kind creates and manages local Kubernetes clusters using Docker container 'nodes'",
  {
    args: { kind: 'default' },
    runnable: false,
    subcommands: [
      parent('create', 'Creates one of [cluster]', 'Creates one of local Kubernetes cluster (cluster)', [
        command('create cluster', 'cluster', 'Creates a local Kubernetes cluster', "Creates a local Kubernetes cluster using Docker container 'nodes'", {
          flags: [
            { name: 'name', short: 'n', type: 'string', usage: 'cluster name, overrides KIND_CLUSTER_NAME, config (default kind)' },
            { name: 'config', type: 'string', usage: 'path to a kind config file' },
            { name: 'image', type: 'string', usage: 'node docker image to use for booting the cluster' },
            { name: 'retain', type: 'bool', usage: 'retain nodes for debugging when cluster creation fails' },
            {
              name: 'wait',
              type: 'duration',
              usage:
                'The length of time to wait for control plane node to be ready (default 0s). Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h).',
              defaultValue: '0s'
            },
            kubeconfig
          ]
        })
      ]),
      parent('delete', 'Deletes one of [cluster]', 'Deletes one of [cluster]', [
        command('delete cluster', 'cluster', 'Deletes a cluster', `Deletes a Kind cluster from the system.\n\n${IDEMPOTENT}`, {
          flags: [name('the cluster name'), kubeconfig]
        }),
        command('delete clusters', 'clusters', 'Deletes one or more clusters', `Deletes one or more Kind clusters from the system.\n\n${IDEMPOTENT}`, {
          args: { kind: 'any' },
          flags: [kubeconfig, { name: 'all', short: 'A', type: 'bool', usage: 'delete all clusters' }]
        })
      ]),
      parent('export', 'Exports one of [kubeconfig, logs]', 'Exports one of [kubeconfig, logs]', [
        command('export logs', 'logs [output-dir]', 'Exports logs to a tempdir or [output-dir] if specified', 'Exports logs to a tempdir or [output-dir] if specified', {
          args: { kind: 'max', n: 1 },
          flags: [name()]
        }),
        command('export kubeconfig', 'kubeconfig', 'Exports cluster kubeconfig', 'Exports cluster kubeconfig', {
          flags: [name(), kubeconfig, internal]
        })
      ]),
      parent('get', 'Gets one of [clusters, nodes, kubeconfig]', 'Gets one of [clusters, nodes, kubeconfig]', [
        command('get clusters', 'clusters', 'Lists existing kind clusters by their name', 'Lists existing kind clusters by their name'),
        command('get nodes', 'nodes', 'Lists existing kind nodes by their name', 'Lists existing kind nodes by their name', {
          flags: [
            name(),
            {
              name: 'all-clusters',
              short: 'A',
              type: 'bool',
              usage: 'If present, list all the available nodes across all cluster contexts. Current context is ignored even if specified with --name.'
            }
          ]
        }),
        command('get kubeconfig', 'kubeconfig', 'Prints cluster kubeconfig', 'Prints cluster kubeconfig', { flags: [name(), internal] })
      ]),
      command('version', 'version', 'Prints the kind CLI version', 'Prints the kind CLI version', { args: { kind: 'any' } }),
      parent(
        'load',
        'Loads images into nodes',
        'Loads images into node from an archive or image on host',
        [
          command('load docker-image', 'docker-image <IMAGE> [IMAGE...]', 'Loads docker images from host into nodes', 'Loads docker images from host into all or specified nodes by name', {
            args: { kind: 'min1', message: 'a list of image names is required' },
            flags: [name(), nodes]
          }),
          command('load image-archive', 'image-archive <IMAGE.tar>', 'Loads docker image from archive into nodes', 'Loads docker image from archive into all or specified nodes by name', {
            args: { kind: 'min1', message: 'name of image archive is required' },
            flags: [name(), nodes]
          })
        ],
        { kind: 'none' }
      ),
      // cobra's own help command, which the root gets.
      command('help', 'help [command]', 'Help about any command', 'Help provides help for any command in the application.\nSimply type kind help [path to command] for full details.', {
        args: { kind: 'any' }
      })
    ]
  }
)

/** cobra's CommandPath: the names from the root down. */
export function commandPath(path: CommandSpec[]): string {
  return path.map(c => c.name).join(' ')
}
