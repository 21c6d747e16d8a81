import fs from 'node:fs'

// /proc/<pid>/stat counts CPU time in clock ticks: 100 a second on Linux (getconf CLK_TCK).
const CLOCK_TICKS = 100

/**
 * CPU time so far, in ms (user + system), of a process and every descendant: the live ones, and
 * those that ended and were waited for (a PostgreSQL backend whose connection closed; `tsx`, which
 * runs the server in a child node process, counts through its child).
 */
export function cpuMsOf(pid: number): number {
  return (ticksOf(pid) * 1000) / CLOCK_TICKS
}

function ticksOf(pid: number): number {
  let fields: string[]
  try {
    fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  } catch {
    return 0 // ended between listing and reading
  }
  // utime, stime, cutime and cstime are fields 14 to 17 of stat; fields[0] here is field 3 (state).
  const own = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
  let children: number[] = []
  try {
    children = fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number)
  } catch {
    // ended meanwhile
  }
  return own + children.reduce((sum, child) => sum + ticksOf(child), 0)
}
