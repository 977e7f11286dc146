/** The heading of a stored prompt in the round detail: what the text was sent for, and to whom. */
export function promptLabel(stage: string, teacher: string | null): string {
  if (stage === 'answer') return 'Answer prompt (the exact text the model saw)'
  if (stage === 'augmentation') {
    return teacher ? `Augmentation prompt sent to the teacher (${teacher})` : 'Self-augmentation prompt (the model wrote its own examples from this exact text)'
  }
  if (stage === 'training') return 'Training text (prompt, answer and end of turn)'
  return stage
}
