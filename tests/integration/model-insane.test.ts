import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/core/engine'
import { readGgufHeader } from '../../src/core/models/gguf-read'
import { hyperparameterProblem } from '../../src/core/models/hparams'
import { chatTemplateProblem } from '../../src/core/models/template-check'
import { INSANE_KINDS, writeInsaneModel, type InsaneKind } from '../fixtures/corrupt-models'
import { tempDir } from '../fixtures/engine'
import { ensureTestModel } from '../fixtures/test-models'

/** What each refusal must name, so the user learns which value is wrong. */
const NAMED: Record<InsaneKind, RegExp> = {
  'block-count-0': /llama\.block_count is 0 \(must be a whole number from 1 to 512\)/,
  'block-count-100000': /llama\.block_count is 100000/,
  'head-count-0': /llama\.attention\.head_count is 0/,
  'head-count-kv-0': /llama\.attention\.head_count_kv is 0/,
  'embedding-length-0': /llama\.embedding_length is 0/,
  'context-length-0': /llama\.context_length is 0/,
  'heads-not-dividing-embd': /head_count \(5\) does not divide llama\.embedding_length \(32\)/,
  'vocab-size-mismatch': /llama\.vocab_size is 7 but the tokenizer has \d+ tokens/,
  'template-heap-bomb': /chat template exceeds the engine's limits|chat template needs more than/
}

describe('models with insane hyperparameters or a hostile chat template are refused, never loaded', () => {
  let engine: Engine
  let dir: string
  const files = new Map<InsaneKind, string>()
  beforeAll(async () => {
    dir = tempDir('insane-')
    engine = await createEngine({ dataDir: dir, gpu: 'cpu', threads: 1 })
    for (const k of INSANE_KINDS) files.set(k, await writeInsaneModel(join(dir, `${k}.gguf`), k))
  })
  afterAll(async () => {
    await engine?.close()
  })

  it('the real test model passes the checks', async () => {
    const h = await readGgufHeader(await ensureTestModel())
    expect(hyperparameterProblem(h)).toBeNull()
    expect(await chatTemplateProblem(h)).toBeNull()
  })

  it.each(INSANE_KINDS)('%s: models.import refuses it, naming the value', async (kind) => {
    const err = (await engine.call('models.import', { path: files.get(kind)! }).catch((e: unknown) => e)) as { code: string; message: string }
    expect(err.code).toBe(kind.startsWith('template') ? 'bad_template' : 'bad_gguf')
    expect(err.message).toMatch(NAMED[kind])
    expect(err.message).toMatch(/get the model/)
  })

  it.each(INSANE_KINDS)('%s: loading it (a file changed after import) is refused before llama.cpp sees it', async (kind) => {
    const err = (await engine.services.host.load(`m-${kind}`, files.get(kind)!).catch((e: unknown) => e)) as { code: string; message: string }
    expect(err.code).toBe(kind.startsWith('template') ? 'bad_template' : 'bad_gguf')
    expect(err.message).toMatch(NAMED[kind])
    expect(engine.services.host.loaded()).toBeNull()
  })

  it('a template that loops for ever (without allocating: the heap cap cannot stop it first) is stopped at the time budget', async () => {
    const header = { metadata: new Map([['tokenizer.chat_template', { type: 8, value: '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}' }]]) }
    const problem = await chatTemplateProblem(header as never, { ms: 1500, heapMb: 64, maxChars: 1000 })
    expect(problem).toMatch(/did not finish rendering a four-message conversation within 1.5 s/)
  })

  it('a template that renders megabytes for a short conversation is refused', async () => {
    const header = { metadata: new Map([['tokenizer.chat_template', { type: 8, value: "{% for i in range(2000) %}{{ 'xxxxxxxxxx' }}{% endfor %}" }]]) }
    expect(await chatTemplateProblem(header as never, { ms: 60_000, heapMb: 64, maxChars: 1000 })).toMatch(/produces 20000 characters/)
  })
})
