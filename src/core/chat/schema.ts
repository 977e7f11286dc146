import type { Migration } from '../storage/types'

export const chatMigrations: Migration[] = []
