// The asks module's public face: what other modules may use (dependency-cruiser checks it).

export {
  ASK_MODERATION_CHOICES,
  ASK_MODERATION_LABELS,
  askModerationOf,
  setAskModeration,
} from './ask-moderation.js'
export type { NewAsk } from './ask-records.js'
export { ASK_TEXT_LANGUAGES, countAskLetters, createAsk, updateAsk } from './ask-records.js'
export type { AskTarget } from './ask-targets.js'
export { ASK_TARGET_KINDS, resolveAskTargets } from './ask-targets.js'
export type { AskLetterCount, AskTexts } from './asks.repository.js'
export type { Ask, AskText } from './asks.service.js'
export { askTextIn, currentAskIdFor, getAsk, listAsks, listCurrentAsks } from './asks.service.js'
