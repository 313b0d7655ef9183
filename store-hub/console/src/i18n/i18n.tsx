import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { de } from './de';
import { en, type MessageKey } from './en';

export type Lang = 'en' | 'de';
const TABLES: Record<Lang, Record<MessageKey, string>> = { en, de };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t: Translate;
}

const Ctx = createContext<I18n | null>(null);

const initialLang = (): Lang => {
  const saved = localStorage.getItem('kassa.console.lang');
  if (saved === 'en' || saved === 'de') return saved;
  return navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
};

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo<I18n>(() => {
    const table = TABLES[lang];
    return {
      lang,
      setLang(l) {
        localStorage.setItem('kassa.console.lang', l);
        document.documentElement.lang = l;
        setLangState(l);
      },
      t: (key, vars) =>
        table[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars?.[name] ?? `{${name}}`)),
    };
  }, [lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
