import type { Migration } from '../storage/types'

export const experimentsMigrations: Migration[] = []
