import type { LlamaModel } from 'node-llama-cpp'
import { endOfTurn, exactText } from '../agent/template-text'
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
 * template's end of turn (<|im_end|>, <|eot_id|>: not the model's EOS where that is another token). Only the
 * answer tokens and the end marker are labels (mask = 1). `text` is the exact training text: tokenized with
 * special tokens enabled it gives `tokens`.
 */
export function renderExample(model: LlamaModel, profile: PromptProfile, ex: ChatExample): TrainExample & { text: string } {
  const wrapper = chatWrapperFor(model)
  const system = toolSystemPrompt(profile)
  const answer = ex.call ? callText(ex.call) : (ex.text ?? '')
  const prefixState = wrapper.generateContextState({ chatHistory: chatHistory(system, [{ role: 'user', text: ex.input }]) })
  const prefix = prefixState.contextText.tokenize(model.tokenizer)
  const answerTokens = model.tokenize(answer, false, 'trimLeadingSpace')
  const endMarker = endOfTurn(prefixState.stopGenerationTriggers)
  const end = endMarker?.tokenize(model.tokenizer, 'trimLeadingSpace') ?? []
  const tokens = [...prefix, ...answerTokens, ...end]
  const mask = tokens.map((_, i) => (i >= prefix.length ? 1 : 0))
  const text = exactText(model, prefixState.contextText) + answer + (endMarker ? exactText(model, endMarker) : '')
  return { tokens, mask, text }
}
