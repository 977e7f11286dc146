import type { LlamaModel } from 'node-llama-cpp'
import { chatWrapperFor } from '../agent/wrapper'
import type { ToolCall } from '../contract'
import { callText, chatHistory, toolSystemPrompt, type PromptProfile } from '../agent/prompt'
import type { TrainExample } from './protocol'

export interface ChatExample {
  input: string
  call: ToolCall | null
  text?: string | null
}

/**
 * Renders a training example with the MODEL'S OWN chat template, exactly as the agent is prompted:
 * system prompt with the tools, the user input, then the answer (the tool call's JSON, or text) and the
 * template's end-of-turn marker. Only the answer tokens (and end marker) are labels (mask = 1).
 */
export function renderExample(model: LlamaModel, profile: PromptProfile, ex: ChatExample): TrainExample & { text: string } {
  const wrapper = chatWrapperFor(model)
  const system = toolSystemPrompt(profile)
  const answer = ex.call ? callText(ex.call) : (ex.text ?? '')
  const prefixState = wrapper.generateContextState({ chatHistory: chatHistory(system, [{ role: 'user', text: ex.input }]) })
  const prefix = prefixState.contextText.tokenize(model.tokenizer)
  const answerTokens = model.tokenize(answer, false, 'trimLeadingSpace')
  const end = prefixState.stopGenerationTriggers.map((t) => t.tokenize(model.tokenizer, 'trimLeadingSpace')).find((t) => t.length > 0) ?? []
  const tokens = [...prefix, ...answerTokens, ...end]
  const mask = tokens.map((_, i) => (i >= prefix.length ? 1 : 0))
  return { tokens, mask, text: prefixState.contextText.toString() + answer }
}
