// The calendar's timezone arithmetic across DST changes (Intl only, no fixed offsets).
import { describe, expect, it } from "vitest";
import { droppedAt } from "./calendar-model";
import type { ListedPost } from "./types";
import { addDays, dayOf, hourOf, instantOf, monthGrid, rangeOf, timeOf, weekStart } from "./zone";

const NY = "America/New_York";
const BERLIN = "Europe/Berlin";

describe("zone arithmetic", () => {
  it("reads a wall clock in a zone on both sides of a DST change", () => {
    expect(instantOf("2027-03-13T09:00", NY).toISOString()).toBe("2027-03-13T14:00:00.000Z");
    expect(instantOf("2027-03-15T09:00", NY).toISOString()).toBe("2027-03-15T13:00:00.000Z");
    expect(instantOf("2026-10-25T09:00", BERLIN).toISOString()).toBe("2026-10-25T08:00:00.000Z");
    expect(instantOf("2026-10-24T09:00", BERLIN).toISOString()).toBe("2026-10-24T07:00:00.000Z");
  });

  it("a time the spring-forward jump skips lands after the jump", () => {
    const at = instantOf("2027-03-14T02:30", NY);
    expect(timeOf(at, NY)).toBe("03:30");
  });

  it("a day is 23 or 25 hours long on a change, from local midnight to local midnight", () => {
    const spring = rangeOf("2027-03-14", "2027-03-14", NY);
    expect(Date.parse(spring.to) - Date.parse(spring.from)).toBe(23 * 3_600_000);
    const autumn = rangeOf("2026-11-01", "2026-11-01", NY);
    expect(Date.parse(autumn.to) - Date.parse(autumn.from)).toBe(25 * 3_600_000);
  });

  it("places an instant on its local day and hour", () => {
    const at = new Date("2026-12-08T03:30:00Z");
    expect(dayOf(at, NY)).toBe("2026-12-07");
    expect(hourOf(at, NY)).toBe(22);
    expect(dayOf(at, BERLIN)).toBe("2026-12-08");
    expect(hourOf(at, BERLIN)).toBe(4);
  });

  it("builds Monday-first grids", () => {
    expect(weekStart("2026-12-06")).toBe("2026-11-30");
    const grid = monthGrid("2026-12-15");
    expect(grid).toHaveLength(42);
    expect(grid[0]).toBe("2026-11-30");
    expect(grid.at(-1)).toBe(addDays("2026-11-30", 41));
  });

  it("a post dragged across the DST change keeps its local time", () => {
    const post = { scheduledFor: instantOf("2027-03-12T09:15", NY) } as unknown as ListedPost;
    expect(droppedAt(post, NY, "2027-03-16")).toBe("2027-03-16T09:15");
    expect(droppedAt(post, NY, "2027-03-16", 18)).toBe("2027-03-16T18:15");
  });
});
