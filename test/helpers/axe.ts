import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'

// axe-core on the page as the browser shows it. axe needs JavaScript (its queue runs on timers),
// and the journeys run with javaScriptEnabled: false, so the page's HTML is replayed, at the same
// address and viewport, in a second page of the same browser that has JavaScript; its stylesheets
// come from the real server. A copy also covers pages that are the answer to a POST (a form shown
// again with its errors), which could not be fetched a second time.
// Only "serious" and "critical" count as failures (issue 7); "moderate" and "minor" findings are
// left to judgement, not to the build.

export interface AxeFinding {
  id: string
  impact: string
  help: string
  /** CSS selectors of the offending nodes (the first few), and axe's account of each. */
  nodes: { target: string; summary: string }[]
}

export interface AxeReport {
  url: string
  findings: AxeFinding[]
  /** One line per finding and node, to read in a failed assertion's message. */
  summary: string
}

const BLOCKING = new Set(['serious', 'critical'])
const NODES_SHOWN = 5

const checkers = new WeakMap<Browser, Promise<Page>>()

/** One JavaScript-enabled page per browser, reused for every check (one Chromium, few tabs). */
function checkerFor(browser: Browser): Promise<Page> {
  let checker = checkers.get(browser)
  if (!checker) {
    checker = browser.newContext({ javaScriptEnabled: true }).then((context) => context.newPage())
    checkers.set(browser, checker)
  }
  return checker
}

/** Runs axe (WCAG 2 A and AA rules) on the page; returns its serious and critical violations. */
export async function axeViolations(page: Page): Promise<AxeReport> {
  const browser = page.context().browser()
  if (!browser) throw new Error('axeViolations needs a page of a launched browser')
  const checker = await checkerFor(browser)
  const address = new URL(page.url())
  address.hash = ''
  const html = await page.content()
  const viewport = page.viewportSize()
  if (viewport) await checker.setViewportSize(viewport)
  await checker.route(
    address.href,
    (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    { times: 1 },
  )
  await checker.goto(address.href, { waitUntil: 'load' })
  // resultTypes: only violations get their full node details; passes are counted, not described,
  // which keeps a check of a long page (193 states) to seconds on a loaded machine.
  const results = await new AxeBuilder({ page: checker })
    .withTags(['wcag2a', 'wcag2aa'])
    .options({ resultTypes: ['violations'] })
    .analyze()
  const findings = results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.slice(0, NODES_SHOWN).map((n) => ({
        target: n.target.join(' '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      })),
    }))
  const url = page.url()
  const summary = findings.length
    ? findings
        .flatMap((f) => [
          `${url}: ${f.impact} ${f.id}: ${f.help}`,
          ...f.nodes.map((n) => `    ${n.target}: ${n.summary}`),
        ])
        .join('\n')
    : `${url}: no serious or critical violation`
  return { url, findings, summary }
}

/** The page's width beyond the viewport, in CSS pixels (0 when nothing scrolls sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
}

/** The page shown passes axe (nothing serious or critical) and does not scroll sideways. */
export async function expectAccessible(page: Page): Promise<void> {
  const report = await axeViolations(page)
  expect(report.findings, report.summary).toEqual([])
  expect(
    await horizontalOverflow(page),
    `${page.url()} scrolls sideways at ${page.viewportSize()?.width} px`,
  ).toBeLessThanOrEqual(0)
}
