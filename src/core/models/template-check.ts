import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { metaString, type GgufHeader } from './gguf-types'

export interface TemplateBudget {
  /** wall-clock limit for one sample render */
  ms: number
  /** heap limit of the worker that renders it */
  heapMb: number
  /** longest rendered text accepted for the short sample conversation */
  maxChars: number
}
export const TEMPLATE_BUDGET: TemplateBudget = { ms: 15_000, heapMb: 256, maxChars: 1 << 20 }

/**
 * Renders in a child process (a worker thread is not enough: V8 can end the whole process when a worker
 * reaches its heap limit during garbage collection) with its own heap limit, killed at the deadline, so a
 * template with a huge loop costs that process, never the engine. Only exhaustion is reported: a template that
 * merely fails to render is left to node-llama-cpp, which falls back to a generic chat format.
 */
const RENDER = `
const { Template } = require(process.argv[1])
let src = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (d) => (src += d))
process.stdin.on('end', () => {
  let out
  try {
    const text = new Template(src).render({
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: 'get_weather({"city":"Paris"})' },
        { role: 'user', content: 'And in Rome?' }
      ],
      bos_token: '<s>', eos_token: '</s>', add_generation_prompt: true
    })
    out = { chars: text.length }
  } catch (err) {
    out = err instanceof RangeError ? { limit: String(err.message) } : { renderError: String((err && err.message) || err) }
  }
  process.stdout.write(JSON.stringify(out))
})
`

const cache = new Map<string, Promise<string | null>>()

function renderProblem(template: string, budget: TemplateBudget): Promise<string | null> {
  const jinja = createRequire(import.meta.url).resolve('@huggingface/jinja')
  return new Promise((resolve) => {
    // process.execPath is Electron in the desktop app: ELECTRON_RUN_AS_NODE makes it a plain Node
    const child = spawn(process.execPath, [`--max-old-space-size=${budget.heapMb}`, '-e', RENDER, jinja], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' },
      stdio: ['pipe', 'pipe', 'ignore']
    })
    let out = ''
    let settled = false
    const finish = (problem: string | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      resolve(problem)
    }
    const conversation = 'rendering a four-message conversation'
    const timer = setTimeout(() => finish(`its chat template did not finish ${conversation} within ${budget.ms / 1000} s`), budget.ms)
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stdin.on('error', () => undefined)
    child.stdin.end(template)
    child.on('error', () => finish(null)) // could not start a checker: nothing learned, nothing refused
    child.on('exit', (code) => {
      let r: { chars?: number; limit?: string } = {}
      try {
        r = JSON.parse(out)
      } catch {
        // no answer: the process died (out of memory: V8 aborts with a non-zero exit)
        return finish(code === 0 ? null : `its chat template needs more than ${budget.heapMb} MB ${conversation}`)
      }
      if (r.limit) finish(`its chat template exceeds the engine's limits ${conversation} (${r.limit})`)
      else if (r.chars !== undefined && r.chars > budget.maxChars) finish(`its chat template produces ${r.chars} characters ${conversation} (at most ${budget.maxChars})`)
      else finish(null)
    })
  })
}

/**
 * Renders the model's chat template (tokenizer.chat_template) once with a short sample conversation under a
 * time, memory and size budget, before node-llama-cpp renders it on the engine's own thread for every prompt.
 * Returns what is wrong, or null. Results are cached per template text.
 */
export function chatTemplateProblem(h: GgufHeader, budget: TemplateBudget = TEMPLATE_BUDGET): Promise<string | null> {
  const template = metaString(h, 'tokenizer.chat_template')
  if (!template) return Promise.resolve(null)
  const key = `${createHash('sha256').update(template).digest('hex')}:${budget.ms}:${budget.heapMb}:${budget.maxChars}`
  let p = cache.get(key)
  if (!p) {
    p = renderProblem(template, budget)
    cache.set(key, p)
  }
  return p
}
