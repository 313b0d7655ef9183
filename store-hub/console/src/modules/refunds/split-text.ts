/**
 * The refund screen's split editor in the staff's language. Kept beside the module (not in the
 * app's tables) because only this editor says these things; each problem the hub names in
 * REFUND_SPLIT_INVALID details becomes one plain sentence.
 */
import type { Lang } from '../../i18n/i18n';

type Vars = Record<string, string>;
type Msg = (v: Vars) => string;

const en = {
  legend: () => 'Where the money goes back',
  proposed: () => 'Proposed: the card with the most left to take back first.',
  edited: () => 'Split changed by you.',
  reset: () => 'Use the proposed split',
  cardName: (v: Vars) => `Card ${v.n} (${v.card})`,
  cardLabel: (v: Vars) => `Back to ${v.name}, up to ${v.left}`,
  cashLabel: () => 'In cash',
  format: (v: Vars) => `“${v.value}” is not an amount; write it like 3.90.`,
  sum_short: (v: Vars) =>
    `The parts add up to ${v.sum}, but the refund is ${v.amount}: ${v.diff} still has to go somewhere.`,
  sum_over: (v: Vars) =>
    `The parts add up to ${v.sum}, but the refund is ${v.amount}: that is ${v.diff} too much.`,
  over_tender: (v: Vars) => `${v.name} can take back at most ${v.left}, not ${v.amount}.`,
  cash_not_allowed: (v: Vars) => `This store gives no cash refunds, so ${v.amount} cannot go back in cash.`,
  unknown_tender: () => 'One of the cards is not a payment of this order any more; reload the order.',
  tender_twice: () => 'A card is named twice.',
} satisfies Record<string, Msg>;

const de: typeof en = {
  legend: () => 'Wohin das Geld zurückgeht',
  proposed: () => 'Vorschlag: zuerst die Karte, auf die am meisten zurückgehen kann.',
  edited: () => 'Aufteilung von Ihnen geändert.',
  reset: () => 'Vorgeschlagene Aufteilung verwenden',
  cardName: (v) => `Karte ${v.n} (${v.card})`,
  cardLabel: (v) => `Zurück auf ${v.name}, höchstens ${v.left}`,
  cashLabel: () => 'Bar',
  format: (v) => `„${v.value}“ ist kein Betrag; bitte z. B. 3.90 schreiben.`,
  sum_short: (v) =>
    `Die Teile ergeben ${v.sum}, die Erstattung beträgt aber ${v.amount}: ${v.diff} fehlen noch.`,
  sum_over: (v) => `Die Teile ergeben ${v.sum}, die Erstattung beträgt aber ${v.amount}: ${v.diff} zu viel.`,
  over_tender: (v) => `Auf ${v.name} können höchstens ${v.left} zurückgehen, nicht ${v.amount}.`,
  cash_not_allowed: (v) => `Dieser Markt erstattet nicht bar, also können ${v.amount} nicht bar zurückgehen.`,
  unknown_tender: () => 'Eine der Karten ist keine Zahlung dieser Bestellung mehr; bitte neu laden.',
  tender_twice: () => 'Eine Karte ist doppelt angegeben.',
};

export type SplitKey = keyof typeof en;

export const splitText = (lang: Lang, key: SplitKey, vars: Vars = {}): string =>
  (lang === 'de' ? de : en)[key](vars);

/**
 * A card tender as staff see it everywhere on the Refunds screen — split fields, the hub's
 * REFUND_SPLIT_INVALID problems, the preview and the list of refunds: "Card 2 (visa ••4242)".
 * The number is the hub's `card_no` (paid first first), so two cards of one brand and last four
 * digits still differ. Without a number (not a captured card of the order) the label alone.
 */
export const tenderName = (lang: Lang, t: { card_no?: number | null; card?: string | null }): string =>
  t.card_no == null
    ? (t.card ?? '')
    : splitText(lang, 'cardName', { n: String(t.card_no), card: t.card ?? '' });
