import fs from 'node:fs'
import { projectPath } from '../lib/paths.js'
import type { LetterLanguage } from './letter-document.js'

/** A state's name as a sentence needs it: "la France", "de la France", "à la France". */
export interface StateNameForms {
  name: string
  withArticle: string
  of: string
  to: string
}

type NamesFile = Record<string, Record<LetterLanguage, StateNameForms>>

export const STATE_NAMES_FILE = 'data/seed/state-names.json'
let names: NamesFile | null = null

/** The state's names in `language` (data/seed/state-names.json); English forms where it has none. */
export function stateNameForms(iso3: string, language: LetterLanguage, englishName: string): StateNameForms {
  names ??= JSON.parse(fs.readFileSync(projectPath(STATE_NAMES_FILE), 'utf8')) as NamesFile
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
