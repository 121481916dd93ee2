import { describe, expect, it } from "vitest";
import { slotInstants } from "./queue-slots";

describe("queue slot instants", () => {
  const weekdays09 = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, time: "09:00" }));

  it("keep the local time across the spring DST change (Europe/Berlin, 2027-03-28)", () => {
    const slots = slotInstants(weekdays09, "Europe/Berlin", new Date("2027-03-25T12:00:00Z"), 5);
    expect(slots.map((s) => [s.local, s.at.toISOString()])).toEqual([
      ["2027-03-26T09:00", "2027-03-26T08:00:00.000Z"],
      ["2027-03-29T09:00", "2027-03-29T07:00:00.000Z"],
    ]);
  });

  it("skip a local time the clocks jump over; take a repeated one once (America/New_York)", () => {
    // 2027-03-14: 02:00 → 03:00, so 02:30 never happens; the next Sunday has it.
    const spring = slotInstants(
      [{ weekday: 7, time: "02:30" }],
      "America/New_York",
      new Date("2027-03-13T00:00:00Z"),
      10,
    );
    expect(spring.map((s) => [s.local, s.at.toISOString()])).toEqual([
      ["2027-03-21T02:30", "2027-03-21T06:30:00.000Z"],
    ]);
    // 2027-11-07: 02:00 → 01:00, so 01:30 happens twice: one slot, not two.
    const autumn = slotInstants(
      [{ weekday: 7, time: "01:30" }],
      "America/New_York",
      new Date("2027-11-06T00:00:00Z"),
      3,
    );
    expect(autumn.map((s) => s.local)).toEqual(["2027-11-07T01:30"]);
    expect(autumn[0]?.at.toISOString()).toMatch(/^2027-11-07T0[56]:30:00.000Z$/);
  });

  it("only instants after the given one, in order, over the days asked", () => {
    const slots = slotInstants(
      [
        { weekday: 3, time: "18:00" },
        { weekday: 3, time: "09:00" },
      ],
      "UTC",
      new Date("2027-03-24T12:00:00Z"),
      8,
    );
    expect(slots.map((s) => s.local)).toEqual([
      "2027-03-24T18:00",
      "2027-03-31T09:00",
      "2027-03-31T18:00",
    ]);
  });
});
