import fs from 'node:fs'
import path from 'node:path'
import view from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import Handlebars from 'handlebars'
import type { OrganizerRole } from '../db/schema.js'
import { englishDate } from '../lib/dates.js'
import { FIELD_LABELS, LANGUAGE_LABELS, REGIONAL_GROUP_LABELS } from '../lib/labels.js'
import { projectPath } from '../lib/paths.js'
import { can, type Permission } from '../organizers/permissions.js'

const TEMPLATES = projectPath('templates')

/** A Handlebars instance of our own, with the helpers and partials every page may use. */
export function createHandlebars(): typeof Handlebars {
  const hbs = Handlebars.create()
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  // {{#if (can @root.organizer "members.view")}}: pages offer only what the role may do.
  hbs.registerHelper(
    'can',
    (organizer: { role?: OrganizerRole } | null | undefined, permission: Permission) =>
      can(organizer?.role, permission),
  )
  hbs.registerHelper('lowercase', (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : ''))
  hbs.registerHelper('groupLabel', (code: string | null) =>
    code ? ((REGIONAL_GROUP_LABELS as Record<string, string>)[code] ?? code) : '',
  )
  hbs.registerHelper('languageLabel', (code: string) => LANGUAGE_LABELS[code] ?? code)
  hbs.registerHelper('fieldLabel', (field: string) => FIELD_LABELS[field] ?? field)
  hbs.registerHelper('join', (items: unknown, separator: unknown) =>
    Array.isArray(items) ? items.join(typeof separator === 'string' ? separator : ', ') : '',
  )
  // Dates are written the way an English reader expects ("20 September 1960"), in UTC.
  hbs.registerHelper('longDate', (iso: string | null | undefined) => (iso ? englishDate(iso) : ''))
  hbs.registerHelper('year', (iso: string | null | undefined) => (iso ? iso.slice(0, 4) : ''))
  const partials = path.join(TEMPLATES, 'partials')
  for (const file of fs.readdirSync(partials)) {
    if (file.endsWith('.hbs'))
      hbs.registerPartial(path.basename(file, '.hbs'), fs.readFileSync(path.join(partials, file), 'utf8'))
  }
  return hbs
}

/** Server-rendered pages: `reply.viewAsync('pages/x.hbs', data)` inside the main layout. */
export const viewPlugin = fp(async (app: FastifyInstance) => {
  await app.register(view, {
    engine: { handlebars: createHandlebars() },
    root: TEMPLATES,
    layout: 'layouts/main.hbs',
    defaultContext: { siteName: 'Code Blue letters' },
    // Templates are read once and kept; in development restart to see a change.
    production: true,
  })
})
