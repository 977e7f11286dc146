import { UserError } from '../core/errors'

/** One CLI command: its sub-commands' usage lines and what it does. The single source of `--help`. */
interface Command {
  summary: string
  usage: string[]
  /** sub-commands that need no further argument check here (the first word after the command) */
  subs?: string[]
  notes?: string[]
}

export const COMMANDS: Record<string, Command> = {
  info: { summary: 'engine, GPU and trainer status', usage: ['info'] },
  call: {
    summary: 'call any contract method (see src/core/contract)',
    usage: ['call <method> [json input]'],
    notes: [`e.g. autodidact call settings.update '{"tau":0.9}'`]
  },
  models: {
    summary: 'the model library',
    usage: ['models list', 'models import <path.gguf>', 'models demo', 'models load <model-id>'],
    subs: ['list', 'import', 'demo', 'load']
  },
  chat: { summary: 'load a model and answer one message, streaming the tokens', usage: ['chat <model-id> "<message>"'] },
  settings: {
    summary: 'read or change the settings',
    usage: ['settings get', 'settings set key=value ...'],
    subs: ['get', 'set'],
    notes: ['values are JSON when they parse as JSON; dotted keys change one field of a group: lora.rank=16']
  },
  rounds: {
    summary: 'self-improvement rounds',
    usage: ['rounds list', 'rounds show <round-id>', 'rounds start <model-id> "<query>" [profile-id]', 'rounds resume <round-id>'],
    subs: ['list', 'show', 'start', 'resume'],
    notes: ['start and resume wait for the round, printing its stages and training progress on stderr']
  },
  review: {
    summary: 'review the generated examples',
    usage: ['review list', 'review approve <example-id> ...', 'review reject <example-id> ...'],
    subs: ['list', 'approve', 'reject'],
    notes: ['when the last pending example of a round is decided, the round continues (training) and the command waits for it']
  },
  experiments: {
    summary: 'benchmark runs (see docs/experiments.md)',
    usage: [
      'experiments run <dataset.jsonl|folder> <model-id> [methods=baseline,tt-icl,tt-si] [limit|all] [taus=0.5,0.95] [seeds=0,1] [k=1] [maxTokens=384] [keepAdapters=true] [teacher=<model-id>] [out=report.json]',
      'experiments resume <run-id>',
      'experiments show <run-id>',
      'experiments list'
    ],
    subs: ['run', 'resume', 'show', 'list']
  },
  db: {
    summary: 'the database file',
    usage: ['db status', 'db move-aside'],
    subs: ['status', 'move-aside'],
    notes: [
      'status says whether the database is damaged (the engine then runs without it: every other command answers db_corrupt)',
      'move-aside renames a damaged autodidact.db (and its -wal/-shm) to autodidact.db.damaged-<time>, so the next start begins with a fresh database; nothing else is touched (a web shell that owns the folder does it itself and carries on)'
    ]
  },
  help: { summary: 'this help, or one command\'s', usage: ['help [command]'] }
}

const FLAGS = [
  '--data-dir DIR   the data folder (default: AUTODIDACT_DATA_DIR or the per-user folder)',
  '--cpu            never use the GPU',
  '--json           machine-readable output (one JSON value on stdout)',
  '--help, -h       this help; `autodidact <command> --help` for one command'
]

export function helpText(command?: string): string {
  if (command && COMMANDS[command]) {
    const c = COMMANDS[command]
    return [`autodidact ${command}: ${c.summary}`, '', 'usage:', ...c.usage.map((u) => `  autodidact ${u}`), ...(c.notes ?? []).map((n) => `\n${n}`)].join('\n')
  }
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length))
  return [
    'autodidact <command> [arguments] [flags]: the Autodidact engine from the command line',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`),
    '',
    'flags:',
    ...FLAGS.map((f) => `  ${f}`),
    '',
    'Type `autodidact <command> --help` for its usage.'
  ].join('\n')
}

/** A wrong command line: says what was wrong and what to type instead. */
export function usageError(command: string | undefined, problem: string): UserError {
  const c = command ? COMMANDS[command] : undefined
  const usage = c ? c.usage.map((u) => `  autodidact ${u}`).join('\n') : `  autodidact --help`
  return new UserError(`${problem}\nusage:\n${usage}`, 'usage')
}

/**
 * Checks the command line before the engine opens: a help request returns its text; an unknown command or
 * sub-command throws a usage error naming the commands there are.
 */
export function checkCommandLine(argv: string[]): { help: string } | null {
  const wantsHelp = argv.includes('--help') || argv.includes('-h')
  const words = argv.filter((a) => a !== '--help' && a !== '-h')
  const [cmd, sub] = words
  if (!cmd || cmd === 'help') {
    if (cmd === 'help' && sub && !COMMANDS[sub]) throw usageError(undefined, `There is no command "${sub}". Commands: ${Object.keys(COMMANDS).join(', ')}.`)
    if (!cmd && !wantsHelp) throw usageError(undefined, 'Give a command.')
    return { help: helpText(cmd === 'help' ? sub : undefined) }
  }
  const c = COMMANDS[cmd]
  if (!c) throw usageError(undefined, `Unknown command "${cmd}". Commands: ${Object.keys(COMMANDS).join(', ')}.`)
  if (wantsHelp) return { help: helpText(cmd) }
  if (c.subs && !sub) throw usageError(cmd, `"${cmd}" needs one of: ${c.subs.join(', ')}.`)
  if (c.subs && !c.subs.includes(sub)) throw usageError(cmd, `Unknown "${cmd}" command "${sub}" (there is ${c.subs.join(', ')}).`)
  return null
}

/** The positional arguments a sub-command needs; throws the command's usage when some are missing. */
export function need(args: string[], count: number, command: string, what: string): string[] {
  if (args.length < count || args.slice(0, count).some((a) => !a)) throw usageError(command, `Missing ${what}.`)
  return args
}
