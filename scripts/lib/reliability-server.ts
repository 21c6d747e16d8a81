/**
 * The real server (`src/server.ts`) as a child process, for `npm run load` and `npm run crash`:
 * start it on a given SQLite file and port, wait until /healthz answers, read its memory, and stop
 * it gently (SIGTERM) or not at all (SIGKILL, the crash test's power cut).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import { projectPath } from '../../src/lib/paths.js'

const TSX = projectPath('node_modules/.bin/tsx')

export interface ServerProcess {
  child: ChildProcess
  base: string
  /** Resident memory of the server process now, in MiB (Linux /proc). */
  rssMiB(): number
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>
  /** SIGKILL (kill -9): no shutdown code runs, no buffer is flushed. */
  kill9(): Promise<void>
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** SIGTERM and wait (a gentle stop), or SIGKILL and wait (kill -9: no shutdown code runs). */
function stopping(child: ChildProcess): { stop(): Promise<void>; kill9(): Promise<void> } {
  const signal = async (name: NodeJS.Signals) => {
    child.kill(name)
    await exited(child)
  }
  return { stop: () => signal('SIGTERM'), kill9: () => signal('SIGKILL') }
}

/** Starts `src/server.ts` with `env` (on top of this process's) and waits until it is healthy. */
export async function startServer(port: number, env: Record<string, string>): Promise<ServerProcess> {
  const base = `http://127.0.0.1:${port}`
  // tsx runs the server in a node child of its own; exec'ing node directly makes the pid the
  // server's, so kill -9 and /proc/<pid>/status reach the server and not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('src/server.ts')], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', process.env.SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit'],
    cwd: projectPath(),
  })
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with status ${child.exitCode}`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (i === 299) {
      child.kill('SIGKILL')
      throw new Error('the server did not become healthy within 30 s')
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    child,
    base,
    rssMiB: () => rssOf(child.pid!),
    ...stopping(child),
  }
}

/** `npm run outbox:work -- --watch` as a child: started, waited for, stopped or killed. */
export interface WorkerProcess {
  child: ChildProcess
  stop(): Promise<void>
  kill9(): Promise<void>
}

/** Starts an outbox worker process with `env` (on top of this process's); resolves once it runs. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', projectPath('scripts/outbox-work.ts'), '--watch'],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: projectPath(),
    },
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the outbox worker did not start within 30 s')), 30_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the outbox worker exited with status ${code}`))
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      // SERVER_STDOUT shows the workers' log too, as the servers' (what a pass that failed said).
      if (process.env.SERVER_STDOUT) process.stdout.write(chunk)
      if (!String(chunk).includes('outbox worker running')) return
      clearTimeout(timer)
      resolve()
    })
  })
  child.removeAllListeners('exit')
  return {
    child,
    ...stopping(child),
  }
}

export { TSX }

/**
 * Runs a reliability script's `main`: exit status 1 when it reports its target missed (false), or
 * when it throws (with the stack, to find where).
 */
export function runReliabilityScript(main: () => Promise<boolean>): void {
  main().then(
    (ok) => {
      if (!ok) process.exitCode = 1
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error)
      process.exit(1)
    },
  )
}
