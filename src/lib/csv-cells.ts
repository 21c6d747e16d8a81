/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula:
 * such a cell gets a leading apostrophe, which Excel and LibreOffice show as plain text.
 * Every CSV export passes its text cells through this (`cast: { string: neutralizeFormula }`).
 * @NOTE state names never start so today; a name edited in the directory one day might.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}
