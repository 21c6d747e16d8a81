import type { AppContext } from '../context.js'
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

/** The address a writer shares: the home page, with their source when they came with one. */
export function shareUrlFor(publicUrl: string, source: string | null): string {
  return `${publicUrl}/${source ? `?source=${encodeURIComponent(source)}` : ''}`
}

/** Share links for the common networks and e-mail, each a plain link (opened in a new tab). */
export function shareLinks(url: string, stateName: string): ShareLink[] {
  const text = `I wrote to the UN ambassador of ${stateName} to ask for an independent court for sexual exploitation and abuse by UN peacekeepers. It takes a few minutes: write one too.`
  const q = encodeURIComponent
  return [
    { network: 'X', url: `https://x.com/intent/post?text=${q(text)}&url=${q(url)}` },
    { network: 'Facebook', url: `https://www.facebook.com/sharer/sharer.php?u=${q(url)}` },
    { network: 'LinkedIn', url: `https://www.linkedin.com/sharing/share-offsite/?url=${q(url)}` },
    { network: 'WhatsApp', url: `https://wa.me/?text=${q(`${text} ${url}`)}` },
    { network: 'Telegram', url: `https://t.me/share/url?url=${q(url)}&text=${q(text)}` },
    {
      network: 'E-mail',
      url: `mailto:?subject=${q('Write to a UN ambassador with me')}&body=${q(`${text}\n\n${url}`)}`,
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

export async function nextSteps(
  ctx: AppContext,
  letter: { state: { iso3: string; name: string }; source?: string | null },
  base = '',
): Promise<NextSteps> {
  const source = letter.source ?? null
  const withSource = source ? `?source=${encodeURIComponent(source)}` : ''
  const another = await anotherState(ctx, letter.state.iso3)
  const shareUrl = shareUrlFor(ctx.config.publicUrl, source)
  return {
    another: another
      ? { name: another.name, url: `${base}/write/${another.iso3.toLowerCase()}${withSource}` }
      : null,
    shareUrl,
    shareLinks: shareLinks(shareUrl, letter.state.name),
    joinUrl: `/join${withSource}`,
  }
}
