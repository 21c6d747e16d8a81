import fs from 'node:fs'
import type { SiteLanguage } from '../i18n/index.js'
import { projectPath } from '../lib/paths.js'

/** A state's name as a sentence needs it: "la France", "de la France", "à la France". */
export interface StateNameForms {
  name: string
  withArticle: string
  of: string
  to: string
}

// A letter's languages are the site's: the six official languages of the United Nations.
type NameLanguage = SiteLanguage
type NamesFile = Record<string, Partial<Record<NameLanguage, StateNameForms>>>

/** English, French and Spanish, one entry per state with the three languages. */
export const STATE_NAMES_FILE = 'data/seed/state-names.json'
/** Arabic, Chinese and Russian: one file per language, each keyed by state (`state-names.ar.json`). */
export const MORE_LANGUAGES = ['ar', 'zh', 'ru'] as const
let names: NamesFile | null = null

function load(): NamesFile {
  const all = JSON.parse(fs.readFileSync(projectPath(STATE_NAMES_FILE), 'utf8')) as NamesFile
  for (const language of MORE_LANGUAGES) {
    const file = projectPath(`data/seed/state-names.${language}.json`)
    if (!fs.existsSync(file)) continue
    const forms = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, StateNameForms>
    for (const [iso3, entry] of Object.entries(forms)) all[iso3] = { ...all[iso3], [language]: entry }
  }
  // French letters set the typographic apostrophe (l’Algérie); the file keeps the straight one.
  for (const entry of Object.values(all)) {
    if (entry.fr) entry.fr = mapForms(entry.fr, (text) => text.replace(/'/g, '\u2019'))
  }
  return all
}

function mapForms(forms: StateNameForms, f: (text: string) => string): StateNameForms {
  return { name: f(forms.name), withArticle: f(forms.withArticle), of: f(forms.of), to: f(forms.to) }
}

/** The state's names in `language` (data/seed/state-names*.json); English forms where it has none. */
export function stateNameForms(iso3: string, language: NameLanguage, englishName: string): StateNameForms {
  names ??= load()
  return (
    names[iso3]?.[language] ??
    names[iso3]?.en ?? {
      name: englishName,
      withArticle: englishName,
      of: `of ${englishName}`,
      to: `to ${englishName}`,
    }
  )
}

/**
 * The state's short name as a page in `language` shows it ("Francia", "法国"); in English the
 * directory's own name, which the caller gives.
 */
export function stateNameIn(language: NameLanguage, iso3: string, englishName: string): string {
  if (language === 'en') return englishName
  return stateNameForms(iso3, language, englishName).name
}
