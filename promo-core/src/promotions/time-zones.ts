/**
 * Store-local clock for candidate selection (spec §5): one `Intl.DateTimeFormat` per time
 * zone, built once. Building one costs ~0.1 ms, and selection needs the clock up to three
 * times per happy-hour promotion. Only zones that Intl accepts are cached, and the cache is
 * bounded because zone names come from requests (Intl also accepts every case variant).
 */
const MAX_ZONES = 512;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The cached weekday/hour/minute/second formatter of an IANA zone; throws RangeError for an unknown zone. */
export function clockFormatter(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    if (formatters.size >= MAX_ZONES) formatters.clear();
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

/** Whether Intl knows the zone (a cached formatter afterwards). */
export function isIanaTimeZone(timeZone: string): boolean {
  if (formatters.has(timeZone)) return true;
  try {
    clockFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
