/** Store-local clocks from one cached Intl.DateTimeFormat per zone (issue 9). */
import { describe, expect, it } from 'vitest';
import { evaluateDetailed } from '../src';
import { isValidTimezone, localClock } from '../src/promotions/candidates';
import { isTimeZone } from '../src/receipts/datetime';
import { group, line, promo, request } from './support/promotions';

describe('time zones', () => {
  it('gives the local weekday and time of day, the same on every call', () => {
    const t = Date.parse('2025-06-02T12:00:00Z'); // a Monday; 14:00 in Paris (CEST)
    for (let i = 0; i < 3; i++)
      expect(localClock(t, 'Europe/Paris')).toEqual({ weekday: 0, secondOfDay: 50400 });
    expect(localClock(Date.parse('2025-06-01T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      weekday: 0,
      secondOfDay: 30600,
    });
    expect(localClock(t, 'UTC-05:30')).toEqual({ weekday: 0, secondOfDay: 23400 });
  });

  it('knows zones and refuses unknown ones, also when asked again', () => {
    for (let i = 0; i < 2; i++) {
      expect(isValidTimezone('Europe/Paris')).toBe(true);
      expect(isValidTimezone('Mars/Olympus')).toBe(false);
      expect(isTimeZone('Europe/London')).toBe(true);
      expect(isTimeZone('Mars/Olympus')).toBe(false);
    }
  });

  it('a happy hour is checked in the store zone', () => {
    const hh = promo({
      id: 'HH',
      is_happy_hour: true,
      // 13:00–15:00 Paris time every day
      start_date_time: '2020-01-01T12:00:00Z',
      end_date_time: '2099-12-31T14:00:00Z',
      groups: [group('g1', 1, ['A'])],
    });
    const at = (iso: string) =>
      evaluateDetailed(
        request([line('A', '10.00', 1)], { evaluation_time: iso, store_timezone: 'Europe/Paris' }),
        [hh],
      ).result.totals.discount;
    expect(at('2025-06-02T12:00:00Z')).toBe(100n); // 14:00 local
    expect(at('2025-06-02T14:30:00Z')).toBe(0n); // 16:30 local
  });
});
