// The route walk lives with the scripts (the fuzzer uses it outside vitest); tests import it here.
export { listRoutes, type RouteEntry } from '../../scripts/lib/route-list.js'

/** A concrete URL for a route pattern (the guards answer before the parameters matter). */
export function concreteUrl(url: string): string {
  return url
    .replace(':iso3', 'fra')
    .replace(':token', 'x'.repeat(43))
    .replace(':name', 'x.eml')
    .replace(':change', 'disable')
    .replace(/:[a-zA-Z]+/g, '1')
    .replace('*', 'x')
}
