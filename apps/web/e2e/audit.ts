// axe-core on the page as it is, at both widths and in both colour schemes; any serious or
// critical violation fails the step (soft, so one run lists them all). Shared by the suites.
import axe from "axe-core";
import type { Page } from "playwright-core";
import { expect } from "vitest";

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

// axe-core as a same-origin script file (answered by the test, never by the studio): the built
// studio's CSP allows scripts from 'self' only, so an inline <script> would be refused.
const AXE_PATH = "/__e2e__/axe.js";
const routed = new WeakSet<Page>();

async function injectAxe(page: Page) {
  if (!routed.has(page)) {
    routed.add(page);
    await page.route(`**${AXE_PATH}`, (route) =>
      route.fulfill({ contentType: "text/javascript", body: axe.source }),
    );
  }
  await page.addScriptTag({ url: AXE_PATH });
}

export type AuditCount = { runs: number; states: number };

export async function auditPage(page: Page, state: string, audited: AuditCount) {
  const size = page.viewportSize() ?? LAPTOP;
  const found: string[] = [];
  for (const viewport of [LAPTOP, PHONE]) {
    await page.setViewportSize(viewport);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.waitForTimeout(250); // colour transitions and toasts settle
      if (!(await page.evaluate(() => "axe" in window))) await injectAxe(page);
      const violations = await page.evaluate(async () => {
        const run = (window as unknown as { axe: typeof axe }).axe.run;
        const result = await run(document, { resultTypes: ["violations"] });
        return result.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.nodes
                .slice(0, 3)
                .map((n) => `${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ")}`)
                .join(" | ")}`,
          );
      });
      audited.runs++;
      found.push(...violations.map((v) => `${state} @${viewport.width} ${colorScheme}: ${v}`));
      // Nothing makes the page itself scroll sideways (a wide table scrolls inside its own box).
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (colorScheme === "light" && width > viewport.width) {
        // What sticks out, leaving out what scrolls or is clipped inside a box of its own.
        const wide = await page.evaluate((limit) => {
          const clipped = (el: Element) => {
            for (let a = el.parentElement; a; a = a.parentElement) {
              if (getComputedStyle(a).overflowX !== "visible") return true;
            }
            return false;
          };
          const out: string[] = [];
          for (const el of document.querySelectorAll("body *")) {
            if (out.length >= 4 || el.getBoundingClientRect().right <= limit + 1) continue;
            if (!clipped(el)) out.push(`${el.tagName.toLowerCase()}.${el.classList[0] ?? ""}`);
          }
          return out.join(", ");
        }, viewport.width);
        found.push(`${state} @${viewport.width}: the page is ${width} px wide (${wide})`);
      }
    }
  }
  audited.states++;
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(size);
  expect.soft(found, `axe: ${state}`).toEqual([]);
}
