import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type Mail from 'nodemailer/lib/mailer/index.js'

// Building a message's MIME source (encoding its text, HTML and PDF, drawing boundaries) is most
// of what sending costs the process: about 1 ms a letter. It runs in a worker thread, on another
// core, so the outbox's own work and the connections' writing go on meanwhile in the main thread,
// and the web pages of a server that runs the outbox are not kept waiting behind it.

export interface Composed {
  /** The message as it goes over the wire (CRLF line ends). */
  raw: Buffer
  /** MAIL FROM and RCPT TO: the mail's own envelope (a bounce address), else its From and recipients. */
  envelope: { from: string | false; to: string[] }
}

export interface ComposeRequest {
  id: number
  mail: Mail.Options
}

export type ComposeReply =
  | { id: number; raw: Buffer; envelope: Composed['envelope'] }
  | { id: number; error: string }

export interface MimeComposer {
  compose(mail: Mail.Options): Promise<Composed>
  /** Stops the worker; a later compose starts it again. */
  close(): Promise<void>
}

const WORKER = new URL('./mime-compose.worker.ts', import.meta.url).href
// The worker is TypeScript, as the rest: loaded through tsx's API, the loader `npm start` runs the
// service with (Node 20 does not apply an `--import` loader to a worker's first module).
const TSX_API = pathToFileURL(
  path.join(
    path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
    'dist/esm/api/index.mjs',
  ),
).href
const BOOT = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(WORKER)}))`

export function createMimeComposer(): MimeComposer {
  let worker: Worker | null = null
  let nextId = 1
  const pending = new Map<number, { resolve: (c: Composed) => void; reject: (e: Error) => void }>()

  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  const start = (): Worker => {
    const started = new Worker(BOOT, { eval: true })
    started.on('message', (reply: ComposeReply) => {
      const waiting = pending.get(reply.id)
      if (!waiting) return
      pending.delete(reply.id)
      // The worker holds the process open only while a message is being built.
      if (pending.size === 0) started.unref()
      if ('error' in reply) waiting.reject(new Error(`the message could not be built: ${reply.error}`))
      else
        waiting.resolve({
          raw: Buffer.from(reply.raw.buffer, reply.raw.byteOffset, reply.raw.byteLength),
          envelope: reply.envelope,
        })
    })
    started.on('error', (error) => failAll(error))
    started.on('exit', (code) => {
      if (worker === started) worker = null
      failAll(new Error(`the message-building thread stopped (exit code ${code})`))
    })
    return started
  }

  return {
    compose(mail) {
      worker ??= start()
      const current = worker
      current.ref()
      const id = nextId++
      return new Promise<Composed>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        try {
          current.postMessage({ id, mail } satisfies ComposeRequest)
        } catch (error) {
          // Something in the mail cannot be copied to the thread (a stream, a function).
          pending.delete(id)
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      })
    },
    async close() {
      const current = worker
      worker = null
      if (current) await current.terminate()
    },
  }
}
