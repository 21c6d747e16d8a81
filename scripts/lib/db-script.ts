import type { CheckedCopy } from '../../src/db/database-file.js'

/** The lines db:backup and db:restore print about the copy they wrote. */
export function describeCopy(copy: CheckedCopy): string {
  return [
    `  size             ${(copy.bytes / 1024 / 1024).toFixed(1)} MiB (${copy.bytes.toLocaleString('en')} bytes)`,
    `  letters          ${copy.letters.toLocaleString('en')}`,
    `  last migration   ${copy.lastMigration}`,
    `  ${copy.check.name.padEnd(17)}${copy.check.result}`,
  ].join('\n')
}

/**
 * Runs a db: script's body: any error ends it with status 1 and its message alone, never a stack
 * trace (the messages name the problem: a refusal, a wrong setting); an option parseArgs does not
 * know adds the usage line.
 */
export function runDatabaseScript(usage: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    if (String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) console.error(usage)
    process.exit(1)
  })
}
