import { chatMigrations } from '../chat/schema'
import { experimentsMigrations } from '../experiments/schema'
import { modelsMigrations } from '../models/schema'
import { roundsMigrations } from '../rounds/schema'
import { baseMigrations } from './schema'
import type { Migration } from './types'

/** Every migration, in the order they apply. Ids are never reused or edited once shipped. */
export const allMigrations: Migration[] = [...baseMigrations, ...modelsMigrations, ...chatMigrations, ...roundsMigrations, ...experimentsMigrations]
