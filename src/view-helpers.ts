import type { OrganizerRole } from './db/schema.js'
import { stateNameIn } from './directory/state-names.js'
import { can, type Permission } from './organizers/permissions.js'
import { type DomainHelpers, languageOfTemplate } from './plugins/view.js'

/**
 * The view's helpers that need a domain module's knowledge, given to the view plugin (and to
 * every Handlebars instance that renders pages' partials) from here, the composition root: the
 * plugin itself sits below every module.
 */
export const viewHelpers: DomainHelpers = {
  // {{#if (can @root.organizer "members.view")}}: pages offer only what the role may do.
  can: (organizer: { role?: OrganizerRole } | null | undefined, permission: Permission) =>
    can(organizer?.role, permission),
  // {{stateName iso3 name}}: the state's UN name in the page's language (the directory's in English).
  stateName: (iso3: unknown, name: unknown, options: Handlebars.HelperOptions) =>
    typeof iso3 === 'string'
      ? stateNameIn(languageOfTemplate(options), iso3.toUpperCase(), String(name ?? iso3))
      : '',
}
