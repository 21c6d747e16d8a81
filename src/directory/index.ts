// The directory module's public face: what other modules may use (dependency-cruiser checks it).

export { COUNCIL_SIZE } from './council-terms.service.js'
export type { StateDto } from './directory.schemas.js'
export { ErrorSchema, Iso3Params, REGIONAL_GROUPS, StateSchema } from './directory.schemas.js'
export type { StateTag } from './directory.service.js'
export {
  findCouncilMembersOn,
  getStateForLetters,
  listStates,
  listStatesTagged,
} from './directory.service.js'
export { readSeedStates } from './directory-seed.js'
export {
  confirmMissionEmail,
  flagFailingMissionEmails,
  listMissionEmailFailures,
} from './mission-email-failures.js'
export type { HeadRole } from './mission-names.js'
export { headRole, MISSION_NAME_FORMS, missionNameIn } from './mission-names.js'
export type { StateNameForms } from './state-names.js'
export { stateNameForms, stateNameIn } from './state-names.js'
