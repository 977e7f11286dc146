import type { Migration } from '../storage/types'

export const roundsMigrations: Migration[] = []
