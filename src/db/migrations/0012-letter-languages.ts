import type { Kysely } from 'kysely'
import { rebuildTable, withCheckList } from './table-rebuild.js'

// Letters in all six official languages of the UN (issue 13): Arabic, Chinese and Russian join
// English, French and Spanish. Existing letters keep their language.

export async function up(db: Kysely<any>): Promise<void> {
  await rebuildTable(db, 'letter', (create) =>
    withCheckList(create, 'language', ['en', 'fr', 'es', 'ar', 'zh', 'ru']),
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  // @NOTE only possible while no letter is in a new language; restore a backup otherwise.
  await rebuildTable(db, 'letter', (create) => withCheckList(create, 'language', ['en', 'fr', 'es']))
}
