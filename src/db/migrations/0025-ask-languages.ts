import { type Kysely, sql } from 'kysely'

/**
 * Issue 18, item 1: an ask's title and purpose in each of the site's languages. The ask's own
 * (`ask.title`, `ask.purpose`, English as organizers write them) stays where it is; `ask_text`
 * holds the other five UN languages, each optional, and a page falls back on the ask's own where a
 * language has none. The first ask (migration 0019) gets its five, as long as its title is still
 * the one 0019 gave it (an organizer who renamed it writes their own). Runs on both engines.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ask_text')
    .addColumn('ask_id', 'integer', (c) => c.notNull().references('ask.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('ar', 'zh', 'fr', 'ru', 'es')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ask_text_pk', ['ask_id', 'language'])
    .execute()

  // Batch printing by ask counts and pages an ask's letters in id order (letter-batch.ts): without
  // this index each meant reading the whole table (4 to 6 s at a million letters on SQLite).
  await db.schema.createIndex('letter_ask').on('letter').columns(['ask_id', 'id']).execute()

  const first = await db.selectFrom('ask').select(['id', 'title']).orderBy('id').limit(1).executeTakeFirst()
  if (first?.title !== FIRST_ASK_TITLE) return
  await db
    .insertInto('ask_text')
    .values(
      Object.entries(FIRST_ASK_TEXT).map(([language, text]) => ({ ask_id: first.id, language, ...text })),
    )
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('letter_ask').execute()
  await db.schema.dropTable('ask_text').execute()
}

/** The first ask's title as migration 0019 made it. */
const FIRST_ASK_TITLE = 'All 193 member states'

/** The first ask in the other five UN languages, in the words the site's own pages use. */
const FIRST_ASK_TEXT: Record<string, { title: string; purpose: string }> = {
  ar: {
    title: 'جميع الدول الأعضاء الـ193',
    purpose:
      'ندعو كل دولة من الدول الأعضاء في الأمم المتحدة إلى دعم إنشاء آلية قضائية خاصة مستقلة تنظر في أعمال الاستغلال والانتهاك الجنسيين التي يرتكبها أفراد عمليات الأمم المتحدة لحفظ السلام.',
  },
  zh: {
    title: '全部193个会员国',
    purpose:
      '呼吁联合国每一个会员国支持设立独立的特别法庭机制，追究联合国维持和平人员实施性剥削和性虐待行为的责任。',
  },
  fr: {
    title: 'Les 193 États Membres',
    purpose:
      'Demander à chaque État Membre de l’ONU de soutenir la création d’un Mécanisme judiciaire spécial indépendant, compétent pour les actes d’exploitation et d’atteintes sexuelles commis par le personnel de maintien de la paix des Nations Unies.',
  },
  ru: {
    title: 'Все 193 государства-члена',
    purpose:
      'Призвать каждое государство — член ООН поддержать создание независимого Специального судебного механизма для рассмотрения дел о сексуальной эксплуатации и сексуальных надругательствах со стороны миротворческого персонала ООН.',
  },
  es: {
    title: 'Los 193 Estados Miembros',
    purpose:
      'Pedir a todos los Estados Miembros de las Naciones Unidas que apoyen la creación de un Mecanismo Judicial Especial independiente para los casos de explotación y abusos sexuales cometidos por personal de mantenimiento de la paz de las Naciones Unidas.',
  },
}
