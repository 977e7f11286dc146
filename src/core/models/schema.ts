import type { Migration } from '../storage/types'

export const modelsMigrations: Migration[] = []
