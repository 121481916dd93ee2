import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantOfWallClock, localDateTimeOf, wallParts } from "./wall-clock";

const NY = "America/New_York";
const BERLIN = "Europe/Berlin";
const at = (local: string, zone: string) => {
  const [date, time] = local.split("T") as [string, string];
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  return instantOfWallClock({ year, month, day, hour, minute }, zone).toISOString();
};

describe("the wall clock of a timezone", () => {
  it("reads ordinary times on both sides of a DST change", () => {
    expect(at("2027-03-13T09:00", NY)).toBe("2027-03-13T14:00:00.000Z");
    expect(at("2027-03-15T09:00", NY)).toBe("2027-03-15T13:00:00.000Z");
    expect(at("2026-10-24T09:00", BERLIN)).toBe("2026-10-24T07:00:00.000Z");
    expect(at("2026-10-25T09:00", BERLIN)).toBe("2026-10-25T08:00:00.000Z");
    expect(localDateTimeOf(new Date("2026-10-25T08:00:00Z"), BERLIN)).toBe("2026-10-25T09:00");
  });

  it("puts a time the spring-forward jump skips after the jump, west and east of UTC", () => {
    expect(at("2027-03-14T02:30", NY)).toBe("2027-03-14T07:30:00.000Z"); // 03:30 EDT
    expect(at("2027-03-28T02:30", BERLIN)).toBe("2027-03-28T01:30:00.000Z"); // 03:30 CEST
  });

  it("takes the first of a time clocks going back repeat, west and east of UTC", () => {
    expect(at("2027-11-07T01:30", NY)).toBe("2027-11-07T05:30:00.000Z"); // EDT, not EST
    expect(at("2026-10-25T02:30", BERLIN)).toBe("2026-10-25T00:30:00.000Z"); // CEST, not CET
  });

  it("gives back every minute's own wall clock, at its first occurrence", () => {
    const zones = [NY, BERLIN, "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "UTC"];
    const from = Date.UTC(2026, 0, 1);
    const minutes = 3 * 366 * 24 * 60;
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: minutes }), (zone, n) => {
        const t = from + n * 60_000;
        const wall = wallParts(t, zone);
        const back = instantOfWallClock(wall, zone).getTime();
        expect(wallParts(back, zone)).toEqual(wall);
        // A repeated wall clock (clocks went back) comes back as its first occurrence.
        expect(back).toBeLessThanOrEqual(t);
        expect(t - back).toBeLessThanOrEqual(3_600_000);
        // Nothing earlier shows it (a repeat is 30 or 60 minutes after the first).
        expect(wallParts(back - 1_800_000, zone)).not.toEqual(wall);
        expect(wallParts(back - 3_600_000, zone)).not.toEqual(wall);
      }),
      { numRuns: 2_000 },
    );
  });
});
