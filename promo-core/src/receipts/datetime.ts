/**
 * Store-local date-time for receipts with an strftime subset (`%d/%m/%Y %H:%M`, spec §5.3).
 * Uses Intl (present in browsers and Node) so the kiosk and the hub print the same thing.
 */
const cache = new Map<string, Intl.DateTimeFormat>();
// Zone names come from configuration and requests; Intl accepts every case variant, so bound it.
const MAX_ZONES = 512;

/** The cached formatter of a zone; throws RangeError when Intl does not know the zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = cache.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    if (cache.size >= MAX_ZONES) cache.clear();
    cache.set(timeZone, fmt);
  }
  return fmt;
}

/** Whether Intl knows the IANA zone (checked once per zone: building a formatter costs ~0.1 ms). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function partsIn(instant: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
}

export function formatStoreDateTime(iso: string, timeZone: string, format: string): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const p = partsIn(instant, timeZone);
  const h24 = Number(p.hour);
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return format.replace(/%([dmYyHMSIp%])/g, (_, t: string) => {
    switch (t) {
      case 'd':
        return p.day!;
      case 'm':
        return p.month!;
      case 'Y':
        return p.year!;
      case 'y':
        return p.year!.slice(-2);
      case 'H':
        return p.hour!;
      case 'M':
        return p.minute!;
      case 'S':
        return p.second!;
      case 'I':
        return String(h12).padStart(2, '0');
      case 'p':
        return h24 < 12 ? 'AM' : 'PM';
      default:
        return '%';
    }
  });
}
