// The letters module's public face: what other modules may use (dependency-cruiser checks it).
export { formsFor } from './diplomatic-form.js'
export { forgetDraft } from './draft-cookie.js'
export type { LetterDocument, LetterLanguage } from './letter-document.js'
export {
  canMarkPrintedDelivered,
  correctPrintedDelivery,
  markPrintedLetterDelivered,
} from './letter-handover.js'
export { type LetterLoader, letterLoaderFor } from './letter-loader.js'
export { personalNoteEditedColumns } from './letter-note-edit.js'
export { paperAttributes } from './letter-paper.js'
export { writeLettersPdf } from './letter-pdf.js'
export { letterPdfBytes } from './letter-pdf.service.js'
export { cleanPdfText } from './letter-pdf-text.js'
export type { Block } from './letter-pdf-text-blocks.js'
export { artifact, drawText, heightOf, shorten, tagged } from './letter-pdf-text-blocks.js'
export { addresseeOf, addresseeStateNameOf, letterDocumentOf } from './letter-read-model.js'
export type { RedactedLetter } from './letter-redaction.js'
export {
  eraseLettersOfAddress,
  findLettersOfAddress,
  foldEmail,
  hasLettersOfAddress,
  removePersonalDataDeliveredBefore,
} from './letter-redaction.js'
export { DRAFT_LIFE_DAYS, isEditable } from './letter-states.js'
export { seedLetterTemplates } from './letter-template-seed.js'
export { LetterIdParams } from './letters.schemas.js'
export { getLetter } from './letters.service.js'
export { pdfFileName } from './letters.web.js'
export {
  changeLetterStatus,
  findAwaitingConfirmation,
  findLetterRowById,
  findLetterRowByPublicId,
  findLetterRowByReference,
  findLetterRowByTokenHash,
  findLettersByOutboxId,
  findLettersFrom,
  findSupporterEmails,
  moveLetterById,
  moveLettersById,
} from './letters-delivery.service.js'
export { defaultLetterFont, LETTER_FONTS, registerLetterFonts } from './pdf-fonts.js'
export { uncoveredCharacters } from './typesetting/font-runs.js'
