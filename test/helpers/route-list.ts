// The route walk lives with the scripts (the fuzzer uses it outside vitest); tests import it here.
export { listRoutes, type RouteEntry } from '../../scripts/lib/route-list.js'
