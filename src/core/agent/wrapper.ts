import { resolveChatWrapper, type ChatWrapper, type LlamaModel } from 'node-llama-cpp'

const wrappers = new WeakMap<LlamaModel, ChatWrapper>()

/**
 * The model's chat wrapper (its own template), resolved once per loaded model. resolveChatWrapper()
 * inspects and test-renders the model's Jinja template on every call, which measured 0.6-1.5 s on the
 * 2-core dev machine: far too slow to repeat for every prompt, candidate or training example.
 */
export function chatWrapperFor(model: LlamaModel): ChatWrapper {
  let w = wrappers.get(model)
  if (!w) {
    w = resolveChatWrapper(model)
    wrappers.set(model, w)
  }
  return w
}
