// The members module's public face: what other modules may use (dependency-cruiser checks it).
export { findMemberForUpdate, findUpdateText } from './campaign-updates.repository.js'
export { consentText } from './consent.js'
export { joinFromLetter } from './members.service.js'
export { unsubscribeUrl } from './unsubscribe-links.js'
