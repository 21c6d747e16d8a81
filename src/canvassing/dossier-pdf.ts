import { once } from 'node:events'
import PDFDocument from 'pdfkit'
import { cleanPdfText, defaultLetterFont, registerLetterFonts } from '../letters/index.js'
import { englishDate } from '../lib/dates.js'
import {
  COVERAGE_STATUS_LABELS,
  ENGAGEMENT_KIND_LABELS,
  LANGUAGE_LABELS,
  POSITION_LABELS,
} from '../lib/labels.js'
import {
  A4,
  documentTitle,
  footers,
  kicker,
  labelledList,
  labelledRows,
  MARGINS,
  paragraph,
  type Struct,
  section,
  table,
  WIDTH,
} from './dossier-pdf-layout.js'
import { REPLY_CHANNEL_LABELS } from './mission-reply-input.js'
import { DOSSIER_ENGAGEMENTS, type StateDossier } from './state-desk.service.js'

// The dossier an organizer takes into a meeting with a mission: who they are, where the state
// stands, what the campaign sent it and what came of it. @NOTE it names supporters: organizers only.
//
// A tagged PDF in English (the organizers' working language) whose viewers show its title: a
// Document holding the H1 (the state's name), then a Sect per part, each with its H2; label and
// value rows and the letters are tables, the timeline a list; rules and footers are artifacts.
// Names, notes and addresses in any script print in their own face and direction.

type Pdf = PDFKit.PDFDocument

/** The state's dossier as an A4 PDF, its pages numbered, tagged for screen readers. */
export async function renderDossierPdf(dossier: StateDossier): Promise<Buffer> {
  const { state } = dossier
  const pdf = new PDFDocument({
    size: A4,
    margins: MARGINS,
    bufferPages: true,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en',
    displayTitle: true,
    font: defaultLetterFont(),
    info: {
      Title: cleanPdfText(`Dossier: ${state.name}`),
      Author: 'Code Blue campaign',
      Subject: cleanPdfText(`${state.mission.name}: coverage, position, contacts and letters`),
      Producer: 'Code Blue letters',
      Creator: 'Code Blue letters',
      CreationDate: new Date(dossier.generatedAt),
    },
  })
  registerLetterFonts(pdf)
  const chunks: Buffer[] = []
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = once(pdf, 'end')

  const document = pdf.struct('Document')
  pdf.addStructure(document)
  title(pdf, document, dossier)
  mission(pdf, document, dossier)
  standing(pdf, document, dossier)
  replies(pdf, document, dossier)
  letters(pdf, document, dossier)
  timeline(pdf, document, dossier)
  latestLetters(pdf, document, dossier)
  document.end()
  footers(
    pdf,
    `Code Blue · ${state.name} · dossier of ${shortDate(dossier.generatedAt)} · ${dossier.handOver ? 'hand-over version' : 'confidential'}`,
  )

  pdf.end()
  await ended
  return Buffer.concat(chunks)
}

function title(pdf: Pdf, document: Struct, { state, generatedAt, handOver }: StateDossier): void {
  // The line above the title brands the page, as the footers do: an artifact.
  kicker(pdf, 'Code Blue campaign · state dossier')
  documentTitle(pdf, document, state.name)
  if (state.formalName !== state.name) paragraph(pdf, document, state.formalName, { muted: true, gap: 0 })
  paragraph(
    pdf,
    document,
    handOver
      ? `Prepared on ${shortDate(generatedAt)} to be handed over. It holds no supporter's personal data: letters are counted and listed by reference only.`
      : `Prepared on ${shortDate(generatedAt)} for the campaign's organizers. It names supporters who wrote to the mission: keep it with you, do not hand it over.`,
    { muted: true, gap: 6 },
  )
}

function mission(pdf: Pdf, document: Struct, { state }: StateDossier): void {
  const m = state.mission
  const head = m.head
    ? [`${m.head.honorific ?? ''} ${m.head.name ?? ''}`.trim(), m.head.function].filter(Boolean).join(', ')
    : m.headStatus === 'vacant'
      ? "Post vacant (letters go to the Chargé d'affaires a.i.)"
      : 'Not yet known'
  section(pdf, document, 'The Permanent Mission', (sect) =>
    labelledRows(pdf, sect, [
      ['Mission', m.name],
      ['Head of mission', head],
      [
        'Address',
        m.addressLines.length ? m.addressLines.join('\n') : `${m.city} (street address not yet imported)`,
      ],
      ['Telephone', m.phone ?? ''],
      ...(m.fax ? [['Fax', m.fax] as const] : []),
      ['E-mail', m.emails.join('\n')],
      ['Website', m.website ?? ''],
      ['Correspondence', m.languages.map((l) => LANGUAGE_LABELS[l] ?? l).join(', ')],
    ]),
  )
}

function standing(pdf: Pdf, document: Struct, dossier: StateDossier): void {
  const { coverage, positions, tags, state } = dossier
  const current = positions[0]
  section(pdf, document, 'Where the state stands', (sect) =>
    labelledRows(pdf, sect, [
      [
        'Coverage status',
        coverage
          ? `${COVERAGE_STATUS_LABELS[coverage.status]}${coverage.canvassedOn ? `, canvassed since ${shortDate(coverage.canvassedOn)}` : ', not yet canvassed'}`
          : 'Observer state: not counted in the campaign’s coverage',
      ],
      [
        'Position',
        current
          ? `${POSITION_LABELS[current.position]} (noted ${shortDate(current.notedOn)}${current.author ? ` by ${current.author}` : ''})${current.note ? `\n${current.note}` : ''}`
          : 'Unknown: none recorded yet',
      ],
      ['Last contact', coverage?.lastContactOn ? shortDate(coverage.lastContactOn) : 'None yet'],
      [
        'Security Council',
        state.securityCouncil
          ? state.securityCouncil.seat === 'permanent'
            ? 'Permanent member'
            : `Elected member, ${state.securityCouncil.termStart.slice(0, 4)}–${state.securityCouncil.termEnd?.slice(0, 4) ?? ''}`
          : 'No seat this year',
      ],
      [
        'Peacekeeping',
        tags.map((t) => (t.note ? `${t.label} (${t.note})` : t.label)).join('\n') || 'Nothing on record',
      ],
    ]),
  )
}

const FILE_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
}

/** The mission's replies recorded by organizers, newest first, each with the letters it answers. */
function replies(pdf: Pdf, document: Struct, { replies: rows }: StateDossier): void {
  // No section for nothing: the timeline says when the mission was last in touch.
  if (rows.length === 0) return
  section(pdf, document, 'Replies from the mission', (sect) => {
    labelledList(
      pdf,
      sect,
      rows.map((r) => {
        const file = r.file
          ? `${FILE_TYPES[r.file.type] ?? 'File'} attached${r.file.name ? ` (${r.file.name}, ${kilobytes(r.file.size)})` : ` (${kilobytes(r.file.size)})`}`
          : 'No file attached'
        const answers = `Answers ${r.letters.length === 1 ? 'letter' : `${r.letters.length} letters`} ${r.letters.join(', ')}`
        return {
          label: shortDate(r.receivedOn),
          title: [
            REPLY_CHANNEL_LABELS[r.channel],
            r.position ? `position: ${POSITION_LABELS[r.position]}` : 'no position stated',
          ].join(' · '),
          text: [r.summary, `${answers}. ${file}.`, r.recordedBy ? `Recorded by ${r.recordedBy}.` : '']
            .filter(Boolean)
            .join('\n'),
        }
      }),
    )
  })
}

const kilobytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('en-GB')} KB`

function letters(pdf: Pdf, document: Struct, { counts }: StateDossier): void {
  const n = (x: number) => x.toLocaleString('en-GB')
  section(pdf, document, 'Letters from supporters', (sect) =>
    labelledRows(pdf, sect, [
      ['Written', n(counts.written)],
      ['Printed', n(counts.printed)],
      ['Sent by e-mail', n(counts.emailed)],
      ['Delivered', `${n(counts.delivered)} (e-mails accepted by the mission, printed letters handed over)`],
      ['E-mail failed', n(counts.failed)],
      [
        'Did the mission reply?',
        counts.replies.asked
          ? `${n(counts.replies.asked)} writers asked, ${n(counts.replies.replied + counts.replies.acknowledged + counts.replies.noReply)} answered: ${n(counts.replies.replied)} replied, ${n(counts.replies.acknowledged)} acknowledged, ${n(counts.replies.noReply)} no reply yet`
          : 'No writer asked yet (they are asked 14 days after delivery)',
      ],
      ['First delivered', counts.firstDeliveredAt ? shortDate(counts.firstDeliveredAt) : '—'],
      ['Latest delivered', counts.lastDeliveredAt ? shortDate(counts.lastDeliveredAt) : '—'],
    ]),
  )
}

interface TimelineEntry {
  date: string
  title: string
  text: string
}

/**
 * Organizers' contacts, positions and letter deliveries, oldest first: the story of the
 * relationship. Supporters' answers are counted under the letters instead: a popular state has
 * hundreds, which would bury the meetings.
 */
function timeline(pdf: Pdf, document: Struct, dossier: StateDossier): void {
  const { engagements, positions, counts } = dossier
  const entries: TimelineEntry[] = [
    ...engagements
      .filter((e) => e.source === 'organizer')
      .map((e) => ({
        date: e.occurredOn,
        title: e.author
          ? `${ENGAGEMENT_KIND_LABELS[e.kind]} · ${e.author}`
          : `${ENGAGEMENT_KIND_LABELS[e.kind]}`,
        text: e.text,
      })),
    ...positions.map((p) => ({
      date: p.notedOn,
      title: p.author
        ? `Position: ${POSITION_LABELS[p.position]} · ${p.author}`
        : `Position: ${POSITION_LABELS[p.position]}`,
      text: p.note,
    })),
  ]
  if (counts.firstDeliveredAt) {
    entries.push({ date: counts.firstDeliveredAt.slice(0, 10), title: 'First letter delivered', text: '' })
  }
  if (counts.lastDeliveredAt && counts.lastDeliveredAt !== counts.firstDeliveredAt) {
    entries.push({ date: counts.lastDeliveredAt.slice(0, 10), title: 'Latest letter delivered', text: '' })
  }
  entries.sort((a, b) => a.date.localeCompare(b.date))

  section(pdf, document, 'Timeline of contacts and positions', (sect) => {
    if (engagements.length >= DOSSIER_ENGAGEMENTS) {
      paragraph(pdf, sect, `Organizers' entries older than the newest ${DOSSIER_ENGAGEMENTS} are left out.`, {
        muted: true,
      })
    }
    if (entries.length === 0) {
      paragraph(pdf, sect, 'Nothing yet: no contact, position or delivered letter.')
      return
    }
    labelledList(
      pdf,
      sect,
      entries.map((entry) => ({ label: shortDate(entry.date), title: entry.title, text: entry.text })),
    )
  })
}

function latestLetters(
  pdf: Pdf,
  document: Struct,
  { latestLetters: rows, counts, handOver }: StateDossier,
): void {
  section(pdf, document, 'Latest letters', (sect) => {
    if (rows.length === 0) {
      paragraph(pdf, sect, 'No letter has been written to this mission yet.')
      return
    }
    if (counts.written > rows.length) {
      paragraph(pdf, sect, `The ${rows.length} most recent of ${counts.written.toLocaleString('en-GB')}.`, {
        muted: true,
      })
    }
    const delivery = (l: StateDossier['latestLetters'][number]) =>
      l.deliveredAt ? `${l.statusLabel}, ${shortDate(l.deliveredAt)}` : l.statusLabel
    if (handOver) {
      // No writer: the language a supporter chose says nothing of who they are.
      table(
        pdf,
        sect,
        [
          { title: 'Reference', width: 70 },
          { title: 'Written', width: 80 },
          { title: 'Language', width: WIDTH - 70 - 80 - 130 },
          { title: 'Delivery', width: 130 },
        ],
        rows.map((l) => [l.reference, shortDate(l.createdAt), LANGUAGE_NAMES[l.language], delivery(l)]),
      )
      return
    }
    table(
      pdf,
      sect,
      [
        { title: 'Reference', width: 70 },
        { title: 'Written', width: 80 },
        { title: 'Supporter', width: WIDTH - 70 - 80 - 130 },
        { title: 'Delivery', width: 130 },
      ],
      rows.map((l) => [
        l.reference,
        shortDate(l.createdAt),
        l.supporterOrganization ? `${l.supporterName}, ${l.supporterOrganization}` : l.supporterName,
        delivery(l),
      ]),
    )
  })
}

const shortDate = (iso: string) => englishDate(iso, 'short')

const LANGUAGE_NAMES: Record<StateDossier['latestLetters'][number]['language'], string> = {
  ar: 'Arabic',
  zh: 'Chinese',
  en: 'English',
  fr: 'French',
  ru: 'Russian',
  es: 'Spanish',
}
