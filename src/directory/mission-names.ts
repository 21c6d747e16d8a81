import type { SiteLanguage } from '../i18n/index.js'
import { type StateNameForms, stateNameForms } from './state-names.js'

// A Permanent Mission's formal name in each of the six languages, built from its state's names:
// directory knowledge that the directory's pages, e-mails and the letters' address block share.

/**
 * The head's office: a state's Permanent Representative, an observer State's Permanent Observer,
 * or a plain Representative (the United States' head of mission is titled so).
 */
export type HeadRole = 'permanentRepresentative' | 'permanentObserver' | 'representative'

/** The office the directory's function names; a head not yet known is a Permanent Representative. */
export function headRole(fn: string | null | undefined, observerState: boolean): HeadRole {
  const text = (fn ?? '').toLowerCase()
  if (text.includes('observer') || (text === '' && observerState)) return 'permanentObserver'
  if (text === '' || text.includes('permanent')) return 'permanentRepresentative'
  return 'representative'
}

/** The mission's name in one language from its state's names; null keeps the directory's (English) name. */
export type MissionNameForm = (names: StateNameForms, role: HeadRole) => string | null

const FR_AT_THE_UN = 'auprès de l’Organisation des Nations Unies'
const AR_AT_THE_UN = 'لدى الأمم المتحدة'
const ZH_AT_THE_UN = '联合国'
const RU_AT_THE_UN = 'при Организации Объединенных Наций'

export const MISSION_NAME_FORMS: Readonly<Record<SiteLanguage, MissionNameForm>> = {
  // The Blue Book's own English name is the mission's name.
  en: () => null,
  fr: (names, role) =>
    role === 'permanentObserver'
      ? `Mission permanente d’observation ${names.of} ${FR_AT_THE_UN}`
      : `Mission permanente ${names.of} ${FR_AT_THE_UN}`,
  es: (names, role) =>
    role === 'permanentObserver'
      ? `Misión Permanente de Observación ${names.of} ante las Naciones Unidas`
      : `Misión Permanente ${names.of} ante las Naciones Unidas`,
  ar: (names, role) =>
    role === 'permanentObserver'
      ? `بعثة المراقبة الدائمة ${names.of} ${AR_AT_THE_UN}`
      : `البعثة الدائمة ${names.of} ${AR_AT_THE_UN}`,
  // "法国常驻联合国代表团"; an observer State's "教廷常驻联合国观察员代表团".
  zh: (names, role) =>
    role === 'permanentObserver'
      ? `${names.of}常驻${ZH_AT_THE_UN}观察员代表团`
      : `${names.of}常驻${ZH_AT_THE_UN}代表团`,
  // The United States' mission names itself "United States Mission", without "Permanent"; an
  // observer State's mission takes "от" ("... наблюдателя от Святейшего Престола").
  ru: (names, role) =>
    role === 'permanentObserver'
      ? `Постоянная миссия наблюдателя от ${names.of} ${RU_AT_THE_UN}`
      : role === 'representative'
        ? `Представительство ${names.of} ${RU_AT_THE_UN}`
        : `Постоянное представительство ${names.of} ${RU_AT_THE_UN}`,
}

/**
 * The mission's formal name in `language` ("Mission permanente de la France auprès de
 * l'Organisation des Nations Unies"), for e-mails and pages that name it outside a letter; in
 * English the directory's own.
 */
export function missionNameIn(
  language: SiteLanguage,
  snapshot: {
    iso3: string
    stateName: string
    missionName: string
    head?: { function: string | null } | null
  },
): string {
  const role = headRole(snapshot.head?.function, snapshot.missionName.toLowerCase().includes('observer'))
  const names = stateNameForms(snapshot.iso3, language, snapshot.stateName)
  return MISSION_NAME_FORMS[language](names, role) ?? snapshot.missionName
}
