// The partners module's public face: what other modules may use (dependency-cruiser checks it).

export type { SourceFigures } from './source-figures.service.js'
export { getSourceFigures } from './source-figures.service.js'
export { sourcesCsv } from './source-figures-csv.js'
