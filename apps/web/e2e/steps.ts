// Steps several browser suites take on the studio page, and the dates they schedule for.
import type { Page } from "playwright-core";

export const PASSWORD = "gummies4ever";

/**
 * Creates an account and lands in the studio. `from: "/"` (the default) starts where a visitor
 * does — the studio sends them to sign-in, "Create an account" opens the form; `"/sign-up"`
 * opens the form directly.
 */
export async function signUp(
  page: Page,
  webUrl: string,
  user: { name: string; email: string; from?: "/" | "/sign-up" },
) {
  if (user.from === "/sign-up") {
    await page.goto(`${webUrl}/sign-up`);
  } else {
    await page.goto(`${webUrl}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("link", { name: "Create an account" }).click();
  }
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/ai-studio$/);
  await page.getByRole("heading", { name: "Create" }).waitFor();
}

/** The model picker, opened (unless it is already). */
export async function openModelPicker(page: Page) {
  const trigger = page.getByRole("button", { name: /^Model\b/ });
  if ((await trigger.getAttribute("aria-expanded")) !== "true") await trigger.click();
  return page.getByRole("group", { name: "Choose a model" });
}

/** Picks the model whose button matches `name`; the picker closes. */
export async function chooseModel(page: Page, name: RegExp) {
  const panel = await openModelPicker(page);
  await panel.getByRole("button", { name }).click();
  await panel.waitFor({ state: "detached" });
}

/** "YYYY-MM-DD" `days` from now in `zone` (1: tomorrow). */
export function dayIn(zone: string, days: number): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(Date.now() + days * 86_400_000));
}
