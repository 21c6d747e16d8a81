import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project's root folder, found from this file's place, whatever the working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export const projectPath = (...parts: string[]): string => path.join(PROJECT_ROOT, ...parts)
