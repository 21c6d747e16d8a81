// The organizers module's public face: what other modules may use (dependency-cruiser checks it).

export type { Actor } from './audit.repository.js'
export { actorLabel, COMMAND_LINE_ACTOR, recordAudit, recordExport, SHELL_ACTOR } from './audit.repository.js'
export { commandLineActor } from './command-line-actor.js'
export {
  organizerApi,
  organizerApiChangeWith,
  organizerPageData,
  permitted,
  permittedForm,
  requirePermission,
  signedIn,
} from './organizer-auth.js'
export type { SignedInOrganizer } from './organizers.service.js'
export { actorOf } from './organizers.service.js'
export type { Permission } from './permissions.js'
export { can } from './permissions.js'
