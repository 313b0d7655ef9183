/** One strings file per language; `t` fills `{name}` placeholders. */
import { de } from './de';
import { en } from './en';
import type { StringKey } from './en';

export type { StringKey };
export const LANGUAGES = { en: 'English', de: 'Deutsch' } as const;
export type Language = keyof typeof LANGUAGES;

const tables: Record<Language, Record<StringKey, string>> = { en, de };

export function translate(lang: Language, key: string, params: Record<string, string | number> = {}): string {
  const table = tables[lang];
  const raw = (table as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? key;
  return raw.replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k] ?? ''));
}

/** Money from promo-core's decimal strings, in the shopper's language (no floats involved). */
export function money(lang: Language, amount: string, sign: string): string {
  const neg = amount.startsWith('-');
  const digits = neg ? amount.slice(1) : amount;
  const text = lang === 'de' ? digits.replace('.', ',') : digits;
  const s = lang === 'de' ? `${text} ${sign || '€'}` : `${sign}${text}`;
  return neg ? `−${s}` : s;
}
