/**
 * A real IMAP server for the tests: Debian's dovecot (`apt-get install -y dovecot-imapd`), started
 * from a config of its own in a temporary directory: 127.0.0.1 on a free port, plain-text login
 * (loopback only), one user from a static passdb, mail in a Maildir under the directory. Not a
 * mock: the code under test reads it with imapflow over TCP, as it reads a campaign's mailbox.
 *
 * The caller stops it. The usual pattern:
 *
 *     const dovecot = findDovecot()
 *     const imap = dovecot.path ? await startTestImapServer(dovecot.path) : null
 *     afterAll(() => imap?.stop())
 *     describe.skipIf(!imap)(...)
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ImapFlow } from 'imapflow'

const CANDIDATES = [process.env.DOVECOT_PATH, '/usr/sbin/dovecot'].filter((p): p is string => Boolean(p))

/** Debian's dovecot, or null with the reason the IMAP tests are skipped. */
export function findDovecot(): { path: string | null; reason: string } {
  const found = CANDIDATES.find((p) => fs.existsSync(p))
  if (found) return { path: found, reason: '' }
  return {
    path: null,
    reason:
      'skipped: no dovecot found. Install it with `apt-get install -y dovecot-imapd` (or set DOVECOT_PATH).',
  }
}

export interface TestImapServer {
  port: number
  user: string
  password: string
  /** imap://user:password@127.0.0.1:<port>/INBOX, for BOUNCE_IMAP_URL. */
  url: string
  /** Adds a message to INBOX (IMAP APPEND), unseen. */
  append(raw: string | Buffer): Promise<void>
  /** INBOX's messages: uid and whether they are flagged \Seen. */
  messages(): Promise<{ uid: number; seen: boolean }[]>
  /** Takes the \Seen flag off every message: the next reading reads them again. */
  markAllUnseen(): Promise<void>
  /** Deletes every message. */
  empty(): Promise<void>
  stop(): Promise<void>
}

const USER = 'bounces'
const PASSWORD = 'bounce-test-password'

/** Starts dovecot for a test file (see the file comment); throws with dovecot's log if it fails. */
export async function startTestImapServer(binary: string): Promise<TestImapServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-test-'))
  // Dovecot's own users (root runs it) must reach the directory; the mail belongs to the mail user.
  fs.chmodSync(dir, 0o755)
  const port = await freePort()
  const users = accountsFor(process.getuid?.() === 0)
  fs.mkdirSync(path.join(dir, 'mail'))
  if (users.chown) fs.chownSync(path.join(dir, 'mail'), users.uid, users.gid)
  const config = path.join(dir, 'dovecot.conf')
  fs.writeFileSync(config, configText(dir, port, users))
  // Its output to a file, not a pipe: dovecot goes to the background, and its daemon would hold
  // a pipe open (and spawnSync waiting) for ever.
  const output = fs.openSync(path.join(dir, 'start.log'), 'w')
  const started = spawnSync(binary, ['-c', config], { stdio: ['ignore', output, output] })
  fs.closeSync(output)
  const log = () =>
    ['start.log', 'dovecot.log']
      .map((name) => path.join(dir, name))
      .filter((file) => fs.existsSync(file))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n')
  if (started.status !== 0) throw new Error(`dovecot did not start (exit ${started.status}): ${log()}`)
  await waitForPort(port).catch((error: unknown) => {
    throw new Error(`dovecot is not listening on ${port}: ${String(error)}\n${log()}`)
  })

  const withClient = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: USER, pass: PASSWORD },
      logger: false,
    })
    client.on('error', () => undefined)
    await client.connect()
    try {
      return await work(client)
    } finally {
      await client.logout().catch(() => client.close())
    }
  }
  const inInbox = <T>(work: (client: ImapFlow) => Promise<T>) =>
    withClient(async (client) => {
      const lock = await client.getMailboxLock('INBOX')
      try {
        return await work(client)
      } finally {
        lock.release()
      }
    })

  return {
    port,
    user: USER,
    password: PASSWORD,
    url: `imap://${USER}:${PASSWORD}@127.0.0.1:${port}/INBOX`,
    append: (raw) => withClient(async (client) => void (await client.append('INBOX', raw))),
    messages: () =>
      inInbox(async (client) => {
        if (!client.mailbox || client.mailbox.exists === 0) return []
        const all = await client.fetchAll('1:*', { uid: true, flags: true })
        return all.map((m) => ({ uid: m.uid, seen: m.flags?.has('\\Seen') ?? false }))
      }),
    markAllUnseen: () =>
      inInbox(async (client) => {
        if (client.mailbox && client.mailbox.exists > 0) await client.messageFlagsRemove('1:*', ['\\Seen'])
      }),
    empty: () =>
      inInbox(async (client) => {
        if (client.mailbox && client.mailbox.exists > 0) await client.messageDelete('1:*')
      }),
    async stop() {
      const pidFile = path.join(dir, 'run', 'master.pid')
      const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGTERM')
        } catch {
          // Already gone.
        }
        for (let i = 0; i < 50 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 100))
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

interface Accounts {
  /** Dovecot's unprivileged login and internal users. */
  login: string
  internal: string
  /** The owner of the mail: dovecot refuses root. */
  uid: number
  gid: number
  chown: boolean
}

/** As root, Debian's dovecot and dovenull users (made by the package); otherwise whoever runs the tests. */
function accountsFor(root: boolean): Accounts {
  if (!root) {
    const me = os.userInfo()
    return { login: me.username, internal: me.username, uid: me.uid, gid: me.gid, chown: false }
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, 'dovecot'], { encoding: 'utf8' }).trim())
  return { login: 'dovenull', internal: 'dovecot', uid: id('-u'), gid: id('-g'), chown: true }
}

function configText(dir: string, port: number, users: Accounts): string {
  return `# Written by test/helpers/imap-server.ts for one test file.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = test-imap-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${users.login}
default_internal_user = ${users.internal}
first_valid_uid = ${Math.min(users.uid, 100)}
first_valid_gid = 0
mail_location = maildir:${dir}/mail/Maildir
passdb {
  driver = static
  args = user=${USER} password=${PASSWORD}
}
userdb {
  driver = static
  args = uid=${users.uid} gid=${users.gid} home=${dir}/mail
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > until) throw new Error(`nothing listens after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
