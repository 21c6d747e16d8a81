import type { AppContext } from '../app-context.js'
import { stateNameIn } from '../directory/index.js'
import { DEFAULT_LANGUAGE, english, type SiteLanguage, type Translate, translator } from '../i18n/index.js'
import { suggestState } from './letters.service.js'

// What a writer is offered once their letter is on its way (e-mailed) or in their hands (the
// PDF): another state that still needs letters, one click away, and plain links to share the
// campaign, carrying the writer's source so the partner who brought them is credited again.
// Share links are ordinary links to each network's own share page: no script or tracker of
// theirs is loaded here.

export interface ShareLink {
  network: string
  url: string
}

export interface NextSteps {
  another: { name: string; url: string } | null
  shareUrl: string
  shareLinks: ShareLink[]
  joinUrl: string
}

/**
 * The address a writer shares: the home page, with their source when they came with one, and in
 * the language they wrote from (`lang`) when it is not English, as a shared page opens.
 */
export function shareUrlFor(
  publicUrl: string,
  source: string | null,
  language: SiteLanguage = DEFAULT_LANGUAGE,
): string {
  const query = new URLSearchParams()
  if (source) query.set('source', source)
  if (language !== DEFAULT_LANGUAGE) query.set('lang', language)
  const text = query.toString()
  return `${publicUrl}/${text ? `?${text}` : ''}`
}

/** Share links for the common networks and e-mail, each a plain link (opened in a new tab), in `t`'s words. */
export function shareLinks(url: string, stateName: string, t: Translate = english): ShareLink[] {
  const text = t('write.next.shareText', { state: stateName })
  const q = encodeURIComponent
  return [
    { network: 'X', url: `https://x.com/intent/post?text=${q(text)}&url=${q(url)}` },
    { network: 'Facebook', url: `https://www.facebook.com/sharer/sharer.php?u=${q(url)}` },
    { network: 'LinkedIn', url: `https://www.linkedin.com/sharing/share-offsite/?url=${q(url)}` },
    { network: 'WhatsApp', url: `https://wa.me/?text=${q(`${text} ${url}`)}` },
    { network: 'Telegram', url: `https://t.me/share/url?url=${q(url)}&text=${q(text)}` },
    {
      network: t('write.next.shareEmail'),
      url: `mailto:?subject=${q(t('write.next.shareSubject'))}&body=${q(`${text}\n\n${url}`)}`,
    },
  ]
}

/** A member state still needing letters, other than `exceptIso3`, drawn as /write/suggest draws. */
async function anotherState(ctx: AppContext, exceptIso3: string) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const state = await suggestState(ctx)
    if (state.iso3 !== exceptIso3) return state
  }
  return null
}

/**
 * The next steps, in `language` (the page's). `base` is '/embed' in the framed flow, whose links
 * also carry the language (`embed`): a framed page may get no cookie to keep it.
 */
export async function nextSteps(
  ctx: AppContext,
  letter: { state: { iso3: string; name: string }; source?: string | null },
  {
    base = '',
    language = DEFAULT_LANGUAGE,
    embed = false,
  }: { base?: string; language?: SiteLanguage; embed?: boolean } = {},
): Promise<NextSteps> {
  const t = translator(language)
  const source = letter.source ?? null
  const query = new URLSearchParams()
  if (source) query.set('source', source)
  if (embed) query.set('lang', language)
  const withQuery = query.toString() ? `?${query.toString()}` : ''
  const another = await anotherState(ctx, letter.state.iso3)
  const shareUrl = shareUrlFor(ctx.config.publicUrl, source, language)
  return {
    another: another
      ? {
          name: stateNameIn(language, another.iso3, another.name),
          url: `${base}/write/${another.iso3.toLowerCase()}${withQuery}`,
        }
      : null,
    shareUrl,
    shareLinks: shareLinks(shareUrl, stateNameIn(language, letter.state.iso3, letter.state.name), t),
    joinUrl: `/join${withQuery}`,
  }
}
