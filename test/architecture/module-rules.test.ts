import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cruise, type IReporterOutput } from 'dependency-cruiser'
import { afterAll, describe, expect, it } from 'vitest'
import { projectPath } from '../../src/lib/paths.js'

// The module rules of ../shared/ARCHITECTURE.md (.dependency-cruiser.cjs): the tree keeps them,
// and each rule catches what it forbids in a small tree made to break it.

const RULES = projectPath('.dependency-cruiser.cjs')

async function violations(baseDir: string, atLeast = 1): Promise<string[]> {
  const { default: config } = (await import(RULES)) as { default: { forbidden: unknown[]; options: object } }
  const result: IReporterOutput = await cruise(['src'], {
    ...config.options,
    baseDir,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
  } as Parameters<typeof cruise>[1])
  const output = result.output as {
    summary: { totalCruised: number; violations: { rule: { name: string }; from: string; to: string }[] }
  }
  // A cruiser that cannot read TypeScript finds no file, and so no fault: it must have read them.
  expect(output.summary.totalCruised).toBeGreaterThanOrEqual(atLeast)
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
}

const made: string[] = []
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true })
})

/** A small tree of modules on disk: path → source. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'module-rules-'))
  made.push(dir)
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
  return dir
}

describe('the module rules', () => {
  it('hold for the whole tree, with no exception listed', async () => {
    expect(await violations(projectPath(), 150)).toEqual([])
    const config = fs.readFileSync(RULES, 'utf8')
    expect(config).not.toMatch(/pathNot:[^\n]*src\/[a-z]+\/[a-z-]+\.ts/) // no file let off by name
  })

  it("catch an import of another module's internals", async () => {
    const dir = tree({
      'src/directory/index.ts': "export { stateName } from './names.js'\n",
      'src/directory/names.ts': "export const stateName = 'Chad'\n",
      'src/letters/compose.ts':
        "import { stateName } from '../directory/names.js'\nexport const to = stateName\n",
    })
    expect(await violations(dir)).toEqual([
      'no-internals-of-another-module: src/letters/compose.ts → src/directory/names.ts',
    ])
  })

  it('catch a cycle between modules, at its upward import', async () => {
    const dir = tree({
      'src/directory/index.ts':
        "import { to } from '../letters/index.js'\nexport const stateName = 'Chad ' + to\n",
      'src/letters/index.ts':
        "import { stateName } from '../directory/index.js'\nexport const to = stateName\n",
    })
    const found = await violations(dir)
    expect(found).toContain(
      'directory-imports-only-modules-below-it: src/directory/index.ts → src/letters/index.ts',
    )
    expect(found).toContain('no-circular-files: src/directory/index.ts → src/letters/index.ts')
  })

  it('catch infrastructure that reaches up into a domain module', async () => {
    const dir = tree({
      'src/letters/index.ts': "export const to = 'the mission'\n",
      'src/outbox/queue.ts': "import { to } from '../letters/index.js'\nexport const queued = to\n",
    })
    expect(await violations(dir)).toEqual([
      'infrastructure-imports-no-domain: src/outbox/queue.ts → src/letters/index.ts',
    ])
  })
})
