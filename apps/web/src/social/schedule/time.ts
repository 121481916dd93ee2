// Time helpers of the schedule dialog: the browser's timezone, IANA zone checks, a default wall
// clock ("tomorrow 09:00" in a zone) and the zone's offset name.

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function isZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "YYYY-MM-DDTHH:mm" as a wall clock in `zone`, `days` from now, at `hour`:00. */
export function wallClock(zone: string, days: number, hour: number): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(Date.now() + days * 86_400_000));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}T${String(hour).padStart(2, "0")}:00`;
}

export function offsetName(zone: string): string {
  try {
    return (
      new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
        .formatToParts(new Date())
        .find((p) => p.type === "timeZoneName")?.value ?? ""
    );
  } catch {
    return "";
  }
}

export const zones = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
})();

/** How a post's time is written for people ("Mon, 7 Dec 2026, 09:00 CET"). */
export const WHEN_FORMAT: Intl.DateTimeFormatOptions = {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
};

export const localFormat = new Intl.DateTimeFormat(undefined, WHEN_FORMAT);
