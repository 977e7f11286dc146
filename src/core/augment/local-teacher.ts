import { existsSync } from 'node:fs'
import { UserError } from '../errors'
import { modelsRepo } from '../models/repo'
import type { Services } from '../services'
import { generateWithModel, type AugmentRequest } from './generate'

/**
 * TT-D with a second local GGUF: the teacher is loaded next to the agent's model just for the generation
 * and disposed right after (nothing stays resident between rounds). The agent's context is held meanwhile,
 * so two teachers never load at once and chat waits instead of competing for memory. When the teacher is
 * the loaded model itself, its context is used directly.
 */
export async function generateWithLocalTeacher(
  s: Services,
  modelId: string,
  req: AugmentRequest,
  opts: { maxTokens: number; signal?: AbortSignal; onProgress?: (tokens: number, maxTokens: number) => void }
): Promise<{ prompt: string; raw: string; provenance: string }> {
  const info = await modelsRepo.get(s.db, modelId)
  if (!info) throw new UserError('The teacher model set in Settings is no longer in the library: pick another teacher or add it again in Models.', 'teacher')
  if (!existsSync(info.path)) throw new UserError(`The teacher model file ${info.path} is missing: download or import it again, or pick another teacher.`, 'teacher')
  const provenance = `teacher:local:${info.name}`
  const lease = await s.host.acquire({ signal: opts.signal })
  try {
    if (s.host.loaded()?.modelId === modelId) return { ...(await generateWithModel(lease, req, opts)), provenance }
    const llama = await s.host.llama()
    let model
    try {
      model = await llama.loadModel({ modelPath: info.path, gpuLayers: s.options.gpu === 'cpu' ? 0 : 'auto', loadSignal: opts.signal })
    } catch (err) {
      throw new UserError(`The teacher model ${info.name} could not be loaded next to the agent's model: ${(err as Error).message}. Pick a smaller teacher, or an HTTP teacher.`, 'teacher')
    }
    try {
      const context = await model.createContext({
        contextSize: Math.min(4096, model.trainContextSize || 4096),
        threads: s.options.threads ?? (Number(process.env.AUTODIDACT_THREADS ?? 0) || llama.cpuMathCores)
      })
      try {
        const teacherLease = { model, context, sequence: context.getSequence(), release: () => undefined }
        return { ...(await generateWithModel(teacherLease, req, opts)), provenance }
      } finally {
        await context.dispose()
      }
    } finally {
      await model.dispose()
    }
  } finally {
    lease.release()
  }
}
