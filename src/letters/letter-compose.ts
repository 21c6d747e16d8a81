import type { StateDto, StateTag } from '../directory/index.js'
import { stateNameForms } from '../directory/index.js'
import { countryNameIn } from '../i18n/index.js'
import {
  addresseeIn,
  courtesyClose,
  dateLine,
  formsFor,
  recipientLines,
  referenceLine,
  salutation,
  subjectLine,
  writtenDate,
} from './diplomatic-form.js'
import {
  LETTER_LANGUAGES,
  type LetterDocument,
  type LetterLanguage,
  type PaperSize,
} from './letter-document.js'
import type { SupporterInput } from './letter-input.js'
import type { LetterTemplate } from './letter-templates.js'

// Countries that use US Letter paper; everyone else prints on A4.
const LETTER_PAPER = new Set(['US', 'CA', 'MX', 'PH', 'CL', 'CO', 'CR', 'GT', 'PA', 'PR', 'SV', 'VE', 'DO'])

export function defaultPaperSize(country: string | null): PaperSize {
  return country && LETTER_PAPER.has(country) ? 'letter' : 'a4'
}

/** The mission's correspondence language if the letters speak it, else English. */
export function defaultLanguage(state: StateDto): LetterLanguage {
  const spoken = state.mission.languages.find((l): l is LetterLanguage =>
    LETTER_LANGUAGES.includes(l as LetterLanguage),
  )
  return spoken ?? 'en'
}

export interface CampaignSignatory {
  /** A person's name; null: the campaign signs, named in the letter's language. */
  signatoryName: string | null
  signatoryTitle: string
  /** The title in some letter languages; `signatoryTitle` in the others. */
  signatoryTitles?: Readonly<Record<string, string>>
  website: string | null
  /** The campaign's letterhead: postal address, e-mail and telephone, each printed when given. */
  addressLines?: readonly string[]
  email?: string | null
  phone?: string | null
}

/** The campaign letter's signature: the signatory (or the campaign, in the letter's language) and title. */
function campaignSignature(language: LetterLanguage, campaign: CampaignSignatory): string[] {
  const name = campaign.signatoryName ?? formsFor(language).campaignName
  return [name, campaign.signatoryTitles?.[language] ?? campaign.signatoryTitle]
}

export interface ComposeRequest {
  template: LetterTemplate
  state: StateDto
  tags: readonly StateTag[]
  supporter: SupporterInput
  personalNote: string | null
  paperSize: PaperSize
  reference: string
  /** ISO timestamp of the writing. */
  now: string
  campaign: CampaignSignatory
  /** A follow-up's earlier letter. */
  previous?: { reference: string; createdAt: string } | null
}

/** The addressee as the directory had it when the letter was written: stored with the letter. */
export interface AddresseeSnapshot {
  iso3: string
  stateName: string
  missionName: string
  addressLines: string[]
  headStatus: StateDto['mission']['headStatus']
  head: StateDto['mission']['head']
  missionVersion: number
}

export function snapshotAddressee(state: StateDto): AddresseeSnapshot {
  return {
    iso3: state.iso3,
    stateName: state.name,
    missionName: state.mission.name,
    addressLines: [...state.mission.addressLines],
    headStatus: state.mission.headStatus,
    head: state.mission.head,
    missionVersion: state.mission.version,
  }
}

/** Writes the whole letter, in its template's language, from the directory and the supporter. */
export function composeLetter(request: ComposeRequest): LetterDocument {
  const { template, state, supporter } = request
  const language = template.language
  const names = stateNameForms(state.iso3, language, state.name)
  const addressee = addresseeIn(language, {
    kind:
      state.mission.headStatus === 'filled'
        ? 'head'
        : state.mission.headStatus === 'vacant'
          ? 'vacant'
          : 'unknown',
    head: state.mission.head,
    missionName: state.mission.name,
    observerState: state.membership === 'observer',
    stateNames: names,
  })
  const isCampaign = template.audience === 'campaign'
  const plural = template.audience !== 'supporter'
  const countryName = supporter.country ? (countryNameIn(language, supporter.country) ?? null) : null
  const data = {
    state: names,
    council: councilData(state),
    tags: tagData(request.tags),
    supporter: { ...supporter, country: countryName },
    personalNote: isCampaign ? null : request.personalNote,
    previous: request.previous
      ? { reference: request.previous.reference, date: writtenDate(language, request.previous.createdAt) }
      : null,
    campaign: { name: 'Code Blue', organization: 'AIDS-Free World', ...request.campaign },
  }
  const subject = template.renderSubject(data)
  const senderAbroad = isCampaign ? false : supporter.country !== 'US'
  return {
    language,
    paperSize: request.paperSize,
    reference: request.reference,
    referenceLine: referenceLine(language, request.reference),
    dateLine: dateLine(
      language,
      request.now,
      isCampaign ? formsFor(language).headquartersCity : supporter.city,
    ),
    sender: isCampaign ? campaignSender(language, request.campaign) : senderLines(supporter, countryName),
    recipient: recipientLines(language, addressee, state.mission.addressLines, senderAbroad),
    subject: subjectLine(language, subject),
    salutation: salutation(language, addressee),
    paragraphs: template.renderParagraphs(data),
    close: courtesyClose(language, plural),
    signature: isCampaign ? campaignSignature(language, request.campaign) : signatureLines(supporter),
    meta: {
      title: `${subject} (${names.name})`,
      author: isCampaign ? (campaignSignature(language, request.campaign)[0] ?? '') : supporter.name,
      subject,
      createdAt: request.now,
    },
  }
}

function councilData(state: StateDto) {
  const seat = state.securityCouncil
  if (!seat) return null
  if (seat.seat === 'permanent') return { permanent: true }
  return {
    elected: true,
    termStart: Number(seat.termStart.slice(0, 4)),
    termEnd: Number(seat.termEnd?.slice(0, 4)),
  }
}

function tagData(tags: readonly StateTag[]) {
  const has = (name: StateTag['tag']) => tags.some((t) => t.tag === name)
  return {
    troopContributor: has('troop_contributor'),
    policeContributor: has('police_contributor'),
    peacekeepingHost: has('peacekeeping_host'),
    hostedOperations: tags.find((t) => t.tag === 'peacekeeping_host')?.note ?? null,
  }
}

function senderLines(supporter: SupporterInput, countryName: string | null): string[] {
  const affiliation = [supporter.role, supporter.organization].filter(Boolean).join(', ')
  const cityAlreadyGiven = supporter.city && supporter.addressLines.some((l) => l.includes(supporter.city!))
  return [
    supporter.name,
    affiliation,
    ...supporter.addressLines,
    cityAlreadyGiven ? '' : (supporter.city ?? ''),
    countryName ?? '',
    // @NOTE no e-mail address: the letter and its JSON are shown to whoever holds its link.
  ].filter((line) => line !== '')
}

function signatureLines(supporter: SupporterInput): string[] {
  return [supporter.name, supporter.role ?? '', supporter.organization ?? ''].filter((line) => line !== '')
}

/** The campaign letter's letterhead: its name in the letter's language, then how to reach it. */
function campaignSender(language: LetterLanguage, campaign: CampaignSignatory): string[] {
  return [
    formsFor(language).campaignName,
    'AIDS-Free World',
    ...(campaign.addressLines ?? []),
    campaign.phone ?? '',
    campaign.email ?? '',
    campaign.website ?? '',
  ].filter((line) => line !== '')
}
