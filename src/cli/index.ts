import { join } from 'node:path'
import type { CliEngine as Engine } from './remote'
import type { MethodName } from '../core/contract'
import { toWireError, UserError } from '../core/errors'
import { defaultDataDir } from '../web/data-dir'
import { checkCommandLine, need, usageError } from './usage'

/**
 * `npm run cli -- <command>` / `npx autodidact <command>`: the engine for scripts, over the same contract.
 * The commands and their usage are in ./usage.ts (`autodidact --help`, `autodidact <command> --help`).
 */
const argv = process.argv.slice(2)
const flag = (name: string) => {
  const i = argv.indexOf(name)
  if (i < 0) return undefined
  const v = argv[i + 1]
  argv.splice(i, 2)
  return v
}
const bool = (name: string) => {
  const i = argv.indexOf(name)
  if (i >= 0) argv.splice(i, 1)
  return i >= 0
}
const dataDir = flag('--data-dir') ?? defaultDataDir()
const cpu = bool('--cpu')
const asJson = bool('--json')

// help and command-line mistakes are answered before the engine opens the data folder
try {
  const unknownFlag = argv.find((a) => a.startsWith('--') && a !== '--help')
  if (unknownFlag) throw usageError(undefined, `Unknown flag "${unknownFlag}" (there is --data-dir DIR, --cpu, --json, --help).`)
  const help = checkCommandLine(argv)
  if (help) {
    console.log(help.help)
    process.exit(0)
  }
} catch (err) {
  console.error(`error (${toWireError(err).code}): ${toWireError(err).message}`)
  process.exit(2)
}

function print(v: unknown) {
  console.log(asJson || typeof v !== 'string' ? JSON.stringify(v, null, asJson ? 0 : 2) : v)
}

function jsonArg(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch (err) {
    throw new UserError(`The input is not valid JSON (${(err as Error).message}). Quote it for the shell: '{"key":1}'.`, 'invalid_json')
  }
}

async function waitJob(e: Engine, jobId: string) {
  return new Promise<void>((resolve, reject) => {
    const off = e.onEvent((ev) => {
      if (ev.type === 'job.update' && ev.job.id === jobId && ev.job.status !== 'running') {
        off()
        if (ev.job.status === 'done') resolve()
        else reject(new Error(ev.job.error ?? ev.job.status))
      }
    })
  })
}

async function run(e: Engine): Promise<void> {
  const [cmd, sub, ...rest] = argv
  const call = <K extends MethodName>(m: K, input: unknown) => e.call(m, input as never, { origin: 'cli' })
  switch (cmd) {
    case 'info':
      return print(await call('system.info', {}))
    case 'call':
      if (!sub) throw usageError('call', 'Give the method to call.')
      return print(await call(sub as MethodName, rest[0] ? jsonArg(rest[0]) : {}))
    case 'models':
      if (sub === 'list') return print(await call('models.list', {}))
      if (sub === 'import') return print(await call('models.import', { path: need(rest, 1, 'models', 'the path of the GGUF file')[0] }))
      if (sub === 'demo') return print(await call('models.createDemo', {}))
      if (sub === 'load') return print(await call('models.load', { modelId: need(rest, 1, 'models', 'the model id (see `autodidact models list`)')[0] }))
      break
    case 'chat': {
      need([sub, rest.join(' ')], 2, 'chat', 'the model id and the message')
      await call('models.load', { modelId: sub })
      const conv = await call('conversations.create', {})
      e.onEvent((ev) => {
        if (ev.type === 'chat.token' && !asJson) process.stdout.write(ev.text)
      })
      const r = await call('chat.send', { conversationId: conv.id, content: rest.join(' ') })
      await waitJob(e, r.jobId)
      const msgs = await call('conversations.messages', { conversationId: conv.id })
      const last = msgs[msgs.length - 1]
      if (asJson) return print(last)
      return print(`\n\nuncertainty: ${last.uncertainty?.estimator} margin ${last.uncertainty?.margin.toFixed(3)} (tau ${last.uncertainty?.tau}) -> ${last.uncertainty?.uncertain ? 'uncertain' : 'confident'}`)
    }
    case 'settings':
      if (sub === 'get') return print(await call('settings.get', {}))
      if (sub === 'set') {
        const { settingsPatchFromArgs } = await import('./settings-args')
        const current = (await call('settings.get', {})) as unknown as Record<string, unknown>
        return print(await call('settings.update', settingsPatchFromArgs(need(rest, 1, 'settings', 'key=value pairs'), current)))
      }
      break
    case 'rounds':
      if (sub === 'list') return print(await call('rounds.list', {}))
      if (sub === 'show') return print(await call('rounds.get', { id: need(rest, 1, 'rounds', 'the round id')[0] }))
      if (sub === 'start') return (await import('./rounds')).startRoundCli(e, rest, print)
      if (sub === 'resume') return (await import('./rounds')).resumeRoundCli(e, rest, print)
      break
    case 'review':
      if (sub === 'list') return print(await call('review.pending', {}))
      if (sub === 'approve' || sub === 'reject') return (await import('./rounds')).reviewCli(e, sub, rest, print)
      break
    case 'db':
      if (sub === 'status') {
        const st = await call('system.status', {})
        return print(asJson ? st : st.problem ?? `The database ${st.dbFile} is fine.${st.movedAsideTo ? ` (A damaged one was moved to ${st.movedAsideTo}.)` : ''}`)
      }
      break
    case 'experiments': {
      const { runExperimentCli } = await import('./experiments')
      return runExperimentCli(e, sub, rest, print)
    }
  }
  throw usageError(cmd, `Unknown command line: ${argv.join(' ')}.`)
}

/** The web shell that owns the data folder (its lock and its connection file agree), if one does. */
async function owningWebShell() {
  const { lockOwner } = await import('../core/storage/data-lock')
  const owner = lockOwner(dataDir)
  if (owner?.shell !== 'web') return null
  const c = (await import('../core/rpc/connection-file')).readConnectionFile(dataDir)
  return c?.pid === owner.pid ? c : null
}

if (argv[0] === 'db' && argv[1] === 'move-aside') {
  // works without opening the database: this is what to run when it cannot be opened
  const { moveDbAside } = await import('../core/storage/damaged')
  const { acquireDataLock } = await import('../core/storage/data-lock')
  try {
    const web = await owningWebShell()
    if (web) {
      // a web shell running without its damaged database moves it aside itself and carries on with a fresh one
      const remote = await (await import('./remote')).connectToWebShell(web)
      const r = await remote.call('system.moveDamagedDbAside', {}).finally(() => remote.close())
      print(asJson ? { movedTo: r.movedTo } : `The web shell (pid ${web.pid}) moved the database to ${r.movedTo} and now runs with a fresh one.`)
      process.exit(0)
    }
    // never from under a running engine: take the folder's lock first (refused, naming the owner, when it is live)
    const lock = acquireDataLock(dataDir, 'cli')
    let moved: string
    try {
      moved = moveDbAside(join(dataDir, 'autodidact.db'))
    } finally {
      lock.release()
    }
    print(asJson ? { movedTo: moved } : `The database was moved to ${moved}. The next start creates a fresh one.`)
    process.exit(0)
  } catch (err) {
    console.error(`error (${toWireError(err).code}): ${toWireError(err).message}`)
    process.exit(1)
  }
}
/**
 * One engine owns a data folder. When a web shell owns this one, the command runs in it over its WebSocket
 * (its jobs keep running after the CLI exits); when the desktop app or another CLI does, the CLI refuses.
 */
async function openEngine(): Promise<Engine> {
  const { lockOwner, inUseMessage } = await import('../core/storage/data-lock')
  const web = await owningWebShell()
  if (web) {
    console.error(`(running in the web shell that owns ${dataDir}, pid ${web.pid})`)
    return (await import('./remote')).connectToWebShell(web)
  }
  const owner = lockOwner(dataDir)
  if (owner) throw new UserError(inUseMessage(dataDir, owner), 'data_dir_in_use')
  const { createEngine } = await import('../core/engine') // after the command line is checked: help is instant
  return createEngine({ dataDir, shell: 'cli', gpu: cpu ? 'cpu' : 'auto' })
}

let engine: Engine
try {
  engine = await openEngine()
} catch (err) {
  const w = toWireError(err)
  console.error(`error (${w.code}): ${w.message}`)
  process.exit(1)
}
let code = 0
try {
  await run(engine)
} catch (err) {
  const w = toWireError(err)
  console.error(`error (${w.code}): ${w.message}`)
  code = w.code === 'usage' ? 2 : 1
} finally {
  await engine.close()
}
process.exit(code)
