import { getLlama, resolveChatWrapper, LlamaText } from 'node-llama-cpp'
import { ensureTestModel } from '../tests/fixtures/test-models'
const llama = await getLlama({ gpu: false })
const model = await llama.loadModel({ modelPath: await ensureTestModel() })
const ctx = await model.createContext({ contextSize: 512 })
const seq = ctx.getSequence()
const w = resolveChatWrapper(model)
const st = w.generateContextState({ chatHistory: [{ type: 'system', text: 'You are helpful' }, { type: 'user', text: 'hi' }, { type: 'model', response: [] }] })
console.log(JSON.stringify(st.contextText.toString()), st.stopGenerationTriggers.map((t) => JSON.stringify(LlamaText(t).toString())))
const toks = st.contextText.tokenize(model.tokenizer)
const res = await seq.controlledEvaluate(toks.map((t, i) => (i === toks.length - 1 ? [t, { generateNext: { probabilities: true } }] : t)))
const last = res[toks.length - 1]!
const probs = [...last.next!.probabilities!.entries()].sort((a, b) => b[1] - a[1])
console.log('n', probs.length, 'sum', probs.reduce((a, b) => a + b[1], 0), 'top', probs.slice(0, 3), 'token', last.next!.token)
await seq.eraseContextTokenRanges([{ start: 0, end: seq.nextTokenIndex }])
const grammar = await llama.createGrammarForJsonSchema({ type: 'object', properties: { name: { const: 'get_weather' }, arguments: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }, required: ['name', 'arguments'] } as any)
const { LlamaGrammarEvaluationState } = await import('node-llama-cpp')
const gs = new LlamaGrammarEvaluationState({ model, grammar })
let text = ''
let n = 0
for await (const o of seq.evaluateWithMetadata(toks, { confidence: true, probabilities: true }, { grammarEvaluationState: gs, temperature: 0 })) {
  text += model.detokenize([o.token]); n++
  if (n === 1) console.log('conf', o.confidence, 'nprobs', o.probabilities.size)
  if (n > 40 || model.isEogToken?.(o.token)) break
}
console.log(JSON.stringify(text))
