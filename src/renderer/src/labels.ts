import type { ExperimentMethod, Round, RoundStage } from '../../core/contract'
import { words } from '../../shared/format'

/**
 * The stored ids a person would otherwise read raw (per-query, token-entropy, tt-icl), as words. Statuses
 * with underscores go through the shared `words` (awaiting_review: "awaiting review").
 */
const ESTIMATORS: Record<string, string> = { rss: 'RSS margin', 'token-entropy': 'token confidence', 'self-certainty': 'self-certainty' }
export const estimatorName = (id: string) => ESTIMATORS[id] ?? words(id)

const MODES: Record<Round['mode'], string> = { 'per-query': 'one adapter per query', session: 'one adapter per session', 'tt-icl': 'in-context examples (TT-ICL), no training' }
export const modeName = (id: Round['mode']) => MODES[id] ?? words(id)

const STAGES: Record<RoundStage, string> = { uncertainty: 'scoring', augmentation: 'writing examples', review: 'review', training: 'training', answer: 'answering again', done: 'finished' }
export const stageName = (id: RoundStage) => STAGES[id] ?? words(id)

const METHODS: Record<ExperimentMethod, string> = { baseline: 'baseline', 'tt-icl': 'TT-ICL', 'tt-si': 'TT-SI', 'tt-d': 'TT-D' }
export const methodName = (id: ExperimentMethod) => METHODS[id] ?? words(id)

/** "self" and "teacher:x" as written; an edited pair's "+edited" suffix as "(edited by you)". */
export const provenanceName = (p: string) => p.replace(/\+edited$/, ' (edited by you)')
