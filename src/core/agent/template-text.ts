import { SpecialToken, SpecialTokensText, type LlamaModel, type LlamaText } from 'node-llama-cpp'

/**
 * The exact text of a rendered template: special tokens written as the model's own text for them
 * ("<|begin_of_text|>", "<|endoftext|>"), not node-llama-cpp's names for them ("BOS", "EOS") that
 * LlamaText.toString() writes. Tokenizing it with special tokens enabled gives the same tokens back
 * (tests/integration/model-families.test.ts checks that on Qwen2.5 and Llama-3.2).
 */
export function exactText(model: LlamaModel, text: LlamaText): string {
  return text.values
    .map((v) => (typeof v === 'string' ? v : v instanceof SpecialToken ? model.detokenize(v.tokenize(model.tokenizer), true) : v.value))
    .join('')
}

const isOnly = (t: LlamaText, name: SpecialToken['value']) => t.values.length === 1 && t.values[0] instanceof SpecialToken && t.values[0].value === name

/**
 * The template's end of turn among a wrapper's stop triggers: what the template writes after a model
 * response (<|im_end|>, <|eot_id|>, as special-token text), else the EOT token, and the model's EOS only when
 * the template names nothing else. EOS comes first in node-llama-cpp's lists but is often another token
 * (Qwen2.5 and Llama-3 base vocabularies: <|endoftext|>, <|end_of_text|>), which a chat turn never ends with.
 */
export function endOfTurn(triggers: readonly LlamaText[]): LlamaText | undefined {
  return (
    triggers.find((t) => t.values.some((v) => v instanceof SpecialTokensText)) ??
    triggers.find((t) => isOnly(t, 'EOT')) ??
    triggers.find((t) => isOnly(t, 'EOS')) ??
    triggers.find((t) => t.values.length > 0)
  )
}
