import { type FieldErrors, fieldsOf, oneLine } from '../lib/form-fields.js'

// The mission's check noted when an organizer settles an uncertain or failed e-mail: who asked
// the mission, how, and what they found. Field names are also the form's element ids.

export const CHECK_METHODS = {
  email: 'By e-mail to the mission',
  phone: 'By phone',
  in_person: 'In person',
  other: 'Another way (say which below)',
} as const
export type CheckMethod = keyof typeof CHECK_METHODS

export const CHECK_LIMITS = { checkedBy: 120, found: 1000 } as const

export interface MissionCheck {
  checkedBy: string
  how: CheckMethod
  found: string
}

export interface SettleInput {
  reference: string
  action: 'sent' | 'resend'
  check: MissionCheck
}

/** Checks the settling form, naming every field at fault. */
export function parseSettleInput(raw: unknown): { input: SettleInput } | { errors: FieldErrors } {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const reference = typeof body.reference === 'string' ? body.reference.trim().toUpperCase() : ''
  if (!/^CB-[A-Z0-9]{6}$/.test(reference))
    errors.reference = 'Give the letter’s reference, such as CB-7KQ2XM.'
  const action = body.action === 'sent' || body.action === 'resend' ? body.action : null
  if (!action)
    errors.action = 'Choose what the check found: the mission has the letter, or it must be sent again.'
  const checkedBy = oneLine(body.checkedBy, 'checkedBy', 'Who checked', CHECK_LIMITS.checkedBy, errors)
  if (!checkedBy && !errors.checkedBy) errors.checkedBy = 'Say who checked with the mission.'
  const how = typeof body.how === 'string' && body.how in CHECK_METHODS ? (body.how as CheckMethod) : null
  if (!how) errors.how = 'Say how the mission was asked.'
  const found = oneLine(body.found, 'found', 'What they found', CHECK_LIMITS.found, errors)
  if (!found && !errors.found)
    errors.found =
      'Say what the mission answered, such as “the mission’s registry has it, received 3 December”.'
  if (Object.keys(errors).length > 0 || !action || !checkedBy || !how || !found) return { errors }
  return { input: { reference, action, check: { checkedBy, how, found } } }
}
