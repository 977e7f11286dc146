import { join } from 'node:path'
import type { AnswerRecord, Example, Settings, TrainingInfo } from '../contract'
import { callText } from '../agent/prompt'
import { generateWithHttpTeacher, generateWithModel, parsePairs } from '../augment/generate'
import { DEMO_TEACHER, demoTeacherPairs } from '../augment/demo-teacher'
import { generateWithLocalTeacher } from '../augment/local-teacher'
import { pairProblem, type Candidate } from '../augment/validate'
import { respond } from '../chat/respond'
import { UserError } from '../errors'
import type { JobHandle } from '../jobs/types'
import type { Services } from '../services'
import { backendFolders, trainingDevice } from '../trainer/backends'
import { acquireContext } from '../trainer/lease'
import { renderExample } from '../trainer/render'
import { pruneAdapters } from './adapters'
import { roundsRepo, type RoundRow } from './repo'

/** Reports an answer's tokens as they come (a count: how long an answer gets is not known in advance). */
function tokenCounter(job: JobHandle, what: string) {
  let n = 0
  return () => job.progress(null, `${what}: ${++n} token${n === 1 ? '' : 's'}`)
}

/** Stage 1: answer the query and score the candidates (skipped when the round comes from a chat answer). */
export async function uncertaintyStage(s: Services, round: RoundRow, settings: Settings, job: JobHandle) {
  const lease = await acquireContext(s, { signal: job.signal })
  try {
    const r = await respond({ lease, profile: round.profile, history: round.history, query: round.query, settings, signal: job.signal, maxTokens: settings.maxAnswerTokens, onToken: tokenCounter(job, 'answering') })
    job.progress(1, 'scored the candidate actions')
    const before: AnswerRecord = { text: r.answer.text, call: r.answer.call, tokens: r.answer.tokens, prompt: r.answer.prompt }
    return { before, uncertainty: r.uncertainty, prompt: r.answer.prompt }
  } finally {
    lease.release()
  }
}

/** Stage 2: K similar pairs from the model itself (TT-SI) or a teacher (TT-D), each validated, none dropped. */
export async function augmentationStage(s: Services, round: RoundRow, settings: Settings, job: JobHandle) {
  const req = { profile: round.profile, query: round.query, k: settings.k }
  let gen: { prompt: string; raw: string }
  let provenance = 'self'
  const maxTokens = 160 * settings.k + 64
  const onProgress = (n: number, max: number) => job.progress(n / max, `writing examples: ${n} tokens (at most ${max})`)
  if (s.options.augmentOverride) {
    gen = { prompt: '(test generator)', raw: await s.options.augmentOverride({ query: round.query, k: settings.k, toolNames: round.profile.tools.map((t) => t.name) }) }
  } else if (settings.teacher.kind === 'http') {
    provenance = `teacher:${settings.teacher.model}@${new URL(settings.teacher.baseUrl).host}`
    gen = await generateWithHttpTeacher(settings.teacher, await s.settings.teacherApiKey(), req, job.signal)
  } else if (settings.teacher.kind === 'demo') {
    provenance = DEMO_TEACHER
    const earlier = (await roundsRepo.examples(s.db, round.id)).length // a retry writes different pairs
    gen = { prompt: `(${DEMO_TEACHER}: sample values filled into the tool schemas by templates; no model runs)`, raw: demoTeacherPairs(round.profile, round.query, settings.k, earlier) }
    job.progress(1, `the demo teacher wrote ${settings.k} examples`)
  } else if (settings.teacher.kind === 'local') {
    const r = await generateWithLocalTeacher(s, settings.teacher.modelId, req, { maxTokens, signal: job.signal, onProgress })
    gen = r
    provenance = r.provenance
  } else {
    const lease = await acquireContext(s, { signal: job.signal })
    try {
      gen = await generateWithModel(lease, req, { maxTokens, signal: job.signal, seed: settings.lora.seed, onProgress })
    } finally {
      lease.release()
    }
  }
  const hasTools = round.profile.tools.length > 0
  const parsed = parsePairs(gen.raw, hasTools)
  const examples: Omit<Example, 'id' | 'createdAt' | 'reviewedAt'>[] = []
  if (parsed.error) {
    examples.push({ roundId: round.id, input: '', call: null, text: null, status: 'invalid', reason: parsed.error, provenance, raw: gen.raw })
  }
  const accepted: Candidate[] = []
  for (const p of parsed.pairs) {
    const problem = pairProblem(p, round.profile.tools, round.query, accepted)
    if (!problem) accepted.push(p)
    const valid = !problem
    const status = !valid ? 'invalid' : settings.reviewPolicy === 'auto-approve-valid' ? 'approved' : 'pending'
    examples.push({ roundId: round.id, input: p.input, call: p.call, text: p.text, status, reason: problem ?? (status === 'approved' ? 'auto-approved (valid)' : null), provenance, raw: p.raw })
  }
  return { examples, prompt: gen.prompt }
}

/** Stage 4a: the approved pairs (for session mode: of every session round of this profile and model). */
export async function trainingExamples(s: Services, round: RoundRow): Promise<Example[]> {
  if (round.mode !== 'session') return (await roundsRepo.examples(s.db, round.id)).filter((e) => e.status === 'approved')
  const ids = await s.db.all<{ id: string }>(
    "SELECT id FROM rounds WHERE mode = 'session' AND model_id = ? AND (profile_id IS ? OR profile_id = ?) AND (id = ? OR status = 'done') ORDER BY created_at",
    [round.modelId, round.profileId, round.profileId, round.id]
  )
  const all: Example[] = []
  for (const { id } of ids) all.push(...(await roundsRepo.examples(s.db, id)).filter((e) => e.status === 'approved'))
  return all
}

/** Stage 4b: render the pairs with the model's template and train an adapter in the native trainer. */
export async function trainingStage(s: Services, round: RoundRow, settings: Settings, examples: Example[], job: JobHandle): Promise<TrainingInfo> {
  const loaded = s.host.loaded()
  if (!loaded || loaded.modelId !== round.modelId) throw new UserError('Load the model this round was started with to continue it.', 'wrong_model')
  await pruneAdapters(s, round.id)
  const lease = await acquireContext(s, { signal: job.signal })
  let rendered
  try {
    rendered = examples.map((e) => renderExample(lease.model, round.profile, { input: e.input, call: e.call, text: e.text }))
  } finally {
    lease.release()
  }
  // the exact training text (the model's own template), one entry per example; replaces an earlier attempt's
  const renders = rendered.map((r) => ({ stage: 'training', prompt: r.text }))
  await roundsRepo.update(s.db, round.id, { prompts: [...round.prompts.filter((p) => p.stage !== 'training'), ...renders] })
  const config = { lora: settings.lora, optim: settings.optim, examples: examples.length, mode: round.mode }
  const info: TrainingInfo = { config, device: null, losses: [], adapterPath: null, adapterKept: false, finalLoss: null, tokensPerSec: null, error: null }
  const out = join(s.paths.adaptersDir, `${round.id}-${Date.now().toString(36)}.gguf`)
  try {
    const result = await s.trainer.run(
      {
        model: loaded.path,
        out,
        examples: rendered.map((r) => ({ tokens: r.tokens, mask: r.mask })),
        lora: settings.lora,
        optim: settings.optim,
        gpuLayers: s.options.gpu === 'cpu' ? 0 : -1,
        threads: s.options.threads,
        maxContext: settings.contextSize,
        cacheDir: join(s.paths.dataDir, 'train-cache')
      },
      {
        signal: job.signal,
        trainerPath: s.options.trainerPath,
        jobDir: s.paths.tmpDir,
        // train on the backend inference runs on: the binary folder node-llama-cpp chose
        backends: backendFolders((await s.host.llama()).gpu),
        onEvent: (e) => {
          if (e.type === 'started') info.device = trainingDevice(e)
          if (e.type !== 'progress') return
          info.losses.push({ step: e.step, epoch: e.epoch, loss: e.loss })
          job.progress(e.step / e.steps, `epoch ${e.epoch}/${e.epochs} · loss ${e.loss.toFixed(3)}`)
          s.events.emit({ type: 'train.progress', roundId: round.id, jobId: job.id, epoch: e.epoch, step: e.step, steps: e.steps, loss: e.loss, tokensPerSec: e.tokensPerSec, etaSec: e.etaSec })
        }
      }
    )
    return { ...info, device: trainingDevice(result.started), losses: result.losses, adapterPath: result.adapter, finalLoss: result.finalLoss, tokensPerSec: result.tokensPerSec }
  } catch (err) {
    throw Object.assign(err as Error, { training: { ...info, error: (err as Error).message } })
  }
}

/** Stage 5: answer again, with the adapter (or, for TT-ICL, with the pairs as demonstrations). */
export async function answerStage(s: Services, round: RoundRow, settings: Settings, examples: Example[], job: JobHandle): Promise<AnswerRecord> {
  const adapter = round.training?.adapterPath
  const demonstrations = round.mode === 'tt-icl' ? examples.map((e) => ({ input: e.input, output: e.call ? callText(e.call) : (e.text ?? '') })) : undefined
  const lease = await acquireContext(s, { adapters: adapter ? [{ path: adapter }] : [], signal: job.signal })
  try {
    const r = await respond({ lease, profile: round.profile, history: round.history, query: round.query, settings, signal: job.signal, maxTokens: settings.maxAnswerTokens, demonstrations, onToken: tokenCounter(job, 'answering again') })
    return { text: r.answer.text, call: r.answer.call, tokens: r.answer.tokens, prompt: r.answer.prompt }
  } finally {
    lease.release()
  }
}
