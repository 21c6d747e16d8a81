/**
 * A counting local SMTP server (local-smtp.ts, `startLocalSmtpServer`) in a process of its own,
 * as a real mail server would be: the process sending mail is then measured alone, not charged
 * with the server's work of reading every message on the same event loop.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** What the server has received so far. */
export interface SmtpTally {
  count: number
  messageIds: Set<string>
  duplicates: number
  withoutMessageId: number
  /** CPU time the server's process has used so far (user + system), ms; 0 in the sender's process. */
  cpuMs: number
}

export interface LocalSmtpProcess {
  url: string
  tally(): Promise<SmtpTally>
  stop(): Promise<void>
}

const CHILD = fileURLToPath(new URL('./local-smtp-child.ts', import.meta.url))

type Reply =
  | { type: 'ready'; url: string }
  | {
      type: 'tally'
      count: number
      messageIds: string[]
      duplicates: number
      withoutMessageId: number
      cpuMs: number
    }

function nextReply<T extends Reply['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<Reply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: Reply) => {
      if (reply.type !== type) return
      cleanup()
      resolve(reply as Extract<Reply, { type: T }>)
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`the local SMTP server process exited (code ${code}) before answering "${type}"`))
    }
    const cleanup = () => {
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

export async function startLocalSmtpProcess(): Promise<LocalSmtpProcess> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { url } = await nextReply(child, 'ready')
  let stopped: Promise<void> | null = null
  return {
    url,
    async tally() {
      const reply = nextReply(child, 'tally')
      child.send({ type: 'tally' })
      const { count, messageIds, duplicates, withoutMessageId, cpuMs } = await reply
      return { count, messageIds: new Set(messageIds), duplicates, withoutMessageId, cpuMs }
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.send({ type: 'stop' })
      })
      return stopped
    },
  }
}
