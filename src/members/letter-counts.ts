/**
 * How many letters each address wrote, keyed by the addresses as given: letters counts them
 * (letters-per-address.ts). Members shows the count but sits below letters (letters -> members,
 * never back), so the application hands the count in when it registers the members' pages.
 */
export type CountLettersByAddress = (emails: readonly string[]) => Promise<Map<string, number>>
