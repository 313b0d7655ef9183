/**
 * Adapter from promo-core's receipt document (spec §5.3, built by `buildReceipt`) to the
 * printable model. The two were designed to line up; this keeps the typechecker watching
 * that they still do, and drops what paper has no use for (roles, meta).
 */
import type { ReceiptDocument } from '@kassa/promo-core';
import type { ReceiptLine, ReceiptPrintable } from './receipt';

export function printableFromDocument(doc: ReceiptDocument): ReceiptPrintable {
  return {
    copy: doc.copy,
    drawer: doc.drawer,
    cut: doc.cut,
    ...(doc.logo ? { logo: doc.logo } : {}),
    sections: doc.sections.map((section) => ({
      name: section.name,
      lines: section.lines.map((line): ReceiptLine => {
        const { role: _role, ...rest } = line;
        return rest;
      }),
    })),
  };
}
