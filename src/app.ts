import zlib from 'node:zlib'
import compress from '@fastify/compress'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { asksApi } from './canvassing/asks.api.js'
import { asksOrganizersRoutes } from './canvassing/asks-organizers.routes.js'
import { canvassingApi } from './canvassing/canvassing.api.js'
import { canvassingRoutes } from './canvassing/canvassing.routes.js'
import { correctionsApi } from './canvassing/corrections.api.js'
import { dashboardRoutes } from './canvassing/dashboard.routes.js'
import { engagementsApi } from './canvassing/engagements.api.js'
import { homeRoutes } from './canvassing/home.routes.js'
import { missionRepliesApi } from './canvassing/mission-replies.api.js'
import { missionRepliesRoutes } from './canvassing/mission-replies.routes.js'
import { repliesRoutes } from './canvassing/replies.routes.js'
import { stateDeskRoutes } from './canvassing/state-desk.routes.js'
import type { AppContext } from './context.js'
import { deliveryRoutes } from './delivery/delivery.routes.js'
import { requestEmailDelivery } from './delivery/delivery.service.js'
import { reviewNoteOf } from './delivery/moderation.service.js'
import { outboxRoutes } from './delivery/outbox.routes.js'
import { reviewApi } from './delivery/review.api.js'
import { reviewRoutes } from './delivery/review.routes.js'
import { councilTermsRoutes } from './directory/council-terms.routes.js'
import { directoryApi } from './directory/directory.api.js'
import { directoryRoutes } from './directory/directory.routes.js'
import { directoryUpkeepRoutes } from './directory/directory-upkeep.routes.js'
import { letterTemplatesOrganizersRoutes } from './letters/letter-templates-organizers.routes.js'
import { webFontsPlugin } from './letters/letter-web-fonts.js'
import { lettersApi } from './letters/letters.api.js'
import { lettersRoutes } from './letters/letters.routes.js'
import { countLettersByAddress } from './letters/letters-per-address.js'
import { lettersPrintApi } from './letters/letters-print.api.js'
import { lettersPrintRoutes } from './letters/letters-print.routes.js'
import { projectPath } from './lib/paths.js'
import { membersRoutes } from './members/members.routes.js'
import { membersAdminRoutes } from './members/members-admin.routes.js'
import { organizerAuthPlugin } from './organizers/organizer-auth.js'
import { organizersApi } from './organizers/organizers.api.js'
import { organizersRoutes } from './organizers/organizers.routes.js'
import { organizersArea } from './organizers/organizers-area.js'
import { partnersRoutes } from './partners/partners.routes.js'
import { errorsPlugin } from './plugins/errors.js'
import { fairAdmissionPlugin } from './plugins/fair-admission.js'
import { finiteNumbers } from './plugins/finite-numbers.js'
import { healthRoutes } from './plugins/health.js'
import { i18nPlugin } from './plugins/i18n.js'
import { notFoundPlugin } from './plugins/not-found.js'
import { openapiPlugin } from './plugins/openapi.js'
import { databaseRateLimitStore } from './plugins/rate-limit-store.js'
import { sameOriginPlugin } from './plugins/same-origin.js'
import { BODY_LIMIT_BYTES, FORM_BODY_LIMIT_BYTES, securityPlugin } from './plugins/security.js'
import { siteImagesPlugin } from './plugins/site-images.js'
import { serverTimeouts } from './plugins/timeouts.js'
import { viewPlugin } from './plugins/view.js'
import { erasureRoutes } from './privacy/erasure.routes.js'
import { viewHelpers } from './view-helpers.js'

export interface BuildAppOptions {
  ctx: AppContext
}

/** Builds the web application on a context; `server.ts` listens, tests `inject`. */
export async function buildApp({ ctx }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    // One line per request only when debugging: the log stays about what happened, not traffic.
    logController: new LogController({
      disableRequestLogging: !['debug', 'trace'].includes(ctx.config.logLevel),
    }),
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: { plugins: [finiteNumbers] },
    routerOptions: { ignoreTrailingSlash: true },
    // request.ip (what every rate limit counts by) is the socket's address, or with TRUST_PROXY
    // the address the named proxy saw; the proxy's X-Forwarded-Proto and -Host are believed too.
    trustProxy: ctx.config.trustProxy ? [...ctx.config.trustProxy] : false,
    ...serverTimeouts(ctx.config.requestTimeoutMs),
  }).withTypeProvider<TypeBoxTypeProvider>()

  // 0. Requests queue in arrival order, a few per turn of the event loop, so a busy server still
  // accepts new connections (see the plugin).
  await app.register(fairAdmissionPlugin)
  // 1. Ecosystem plugins.
  // Security headers and the Content-Security-Policy first, so every answer carries them.
  await app.register(securityPlugin, {
    publicUrl: ctx.config.publicUrl,
    embedOrigins: ctx.config.embedOrigins,
  })
  // Supporters often write from phones: the list of states is 160 KB as JSON, ~15 KB compressed.
  // Brotli at quality 4 compresses better than gzip at about its speed (11, the default, is slow).
  await app.register(compress, {
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  })
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT_BYTES })
  await app.register(cookie)
  // Limits are set per route (writing letters, asking for e-mail confirmations), each counted per
  // client address: request.ip, never a header a visitor writes (see trustProxy above).
  // RATE_LIMIT_STORE=database counts in the database, shared by every app instance on it.
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => request.ip,
    ...(ctx.config.rateLimits.store === 'database'
      ? { store: databaseRateLimitStore(ctx.db, ctx.clock) }
      : {}),
  })
  await app.register(fastifyStatic, { root: projectPath('public'), prefix: '/public/', maxAge: '1h' })
  // The letter fonts (the PDF's Noto families) for the preview: /fonts/letter-fonts.css and files.
  await app.register(webFontsPlugin)
  // The favicon, the touch icon and the link preview's card, at the root where they are looked for.
  await app.register(siteImagesPlugin)
  await app.register(openapiPlugin)
  // 2. Our cross-cutting plugins.
  await app.register(viewPlugin, { publicUrl: ctx.config.publicUrl, helpers: viewHelpers })
  // After the view: every request's language, and what each page's layout needs of it.
  await app.register(i18nPlugin, { publicUrl: ctx.config.publicUrl })
  await app.register(errorsPlugin)
  await app.register(notFoundPlugin, { ctx })
  await app.register(sameOriginPlugin, { publicUrl: ctx.config.publicUrl })
  await app.register(organizerAuthPlugin, { ctx })
  // 3. Modules.
  // Members' pages show the letters each member wrote; members sits below letters (letters ->
  // members), so letters' one count per address is handed in here.
  const countLetters = (emails: readonly string[]) => countLettersByAddress(ctx, emails)
  await app.register(healthRoutes, { ctx })
  await app.register(homeRoutes, { ctx })
  await app.register(organizersApi)
  // The organizers' area, once: its prefix, the sign-in guard and no-store, with each module's
  // pages inside it (paths relative to /organizers; each checks its own permission).
  await app.register(organizersArea, {
    prefix: '/organizers',
    ctx,
    pages: async (area) => {
      await area.register(organizersRoutes, { ctx })
      await area.register(dashboardRoutes, { ctx })
      await area.register(stateDeskRoutes, { ctx })
      await area.register(missionRepliesRoutes, { ctx })
      await area.register(directoryUpkeepRoutes, { ctx })
      await area.register(councilTermsRoutes, { ctx })
      await area.register(lettersPrintRoutes, { ctx })
      await area.register(membersAdminRoutes, { ctx, countLetters })
      await area.register(partnersRoutes, { ctx })
      await area.register(asksOrganizersRoutes, { ctx })
      await area.register(letterTemplatesOrganizersRoutes, { ctx })
      await area.register(outboxRoutes, { ctx })
      await area.register(reviewRoutes, { ctx })
    },
  })
  await app.register(directoryApi, { ctx })
  await app.register(directoryRoutes, { ctx })
  await app.register(lettersApi, { ctx })
  await app.register(lettersPrintApi, { ctx })
  // The write form's "e-mail it" asks delivery for the confirmation link; letters does not import
  // delivery (delivery -> letters), so the link between them is made here.
  await app.register(lettersRoutes, {
    ctx,
    requestEmail: (letterId) => requestEmailDelivery(ctx, letterId, {}),
    reviewNote: (letterId) => reviewNoteOf(ctx, letterId),
  })
  await app.register(deliveryRoutes, { ctx })
  await app.register(repliesRoutes, { ctx })
  await app.register(canvassingApi, { ctx })
  await app.register(asksApi, { ctx })
  await app.register(canvassingRoutes, { ctx })
  await app.register(engagementsApi, { ctx })
  await app.register(missionRepliesApi, { ctx })
  await app.register(correctionsApi, { ctx })
  await app.register(reviewApi, { ctx })
  await app.register(erasureRoutes, { ctx })
  await app.register(membersRoutes, { ctx, countLetters })

  return app as unknown as FastifyInstance
}
