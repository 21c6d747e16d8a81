import type { AppContext } from '../app-context.js'
import { POSITION_LABELS } from '../lib/labels.js'
import { listStateReplies, publishedPositionStates } from './mission-replies.service.js'
import { REPLY_CHANNEL_LABELS } from './mission-reply-input.js'

/**
 * What a state's desk shows of its missions' replies: the list, whether its position is public,
 * and each position record that came from a reply linked to it.
 */
export async function stateRepliesView(ctx: Pick<AppContext, 'db'>, iso3: string) {
  const [replies, published] = await Promise.all([listStateReplies(ctx, iso3), publishedPositionStates(ctx)])
  const byPosition = new Map(replies.filter((r) => r.positionId !== null).map((r) => [r.positionId, r]))
  return {
    missionReplies: replies.map((r) => ({
      ...r,
      channelLabel: REPLY_CHANNEL_LABELS[r.channel],
      positionLabel: r.position ? POSITION_LABELS[r.position] : null,
      fileKilobytes: r.file ? Math.max(1, Math.round(r.file.size / 1024)) : null,
    })),
    positionPublished: published.has(iso3),
    /** The desk's position records, each from a reply with that reply's id and date. */
    withReplies<T extends { id: number }>(positions: T[]) {
      return positions.map((p) => {
        const reply = byPosition.get(p.id)
        return { ...p, reply: reply ? { id: reply.id, receivedOn: reply.receivedOn } : null }
      })
    },
  }
}
