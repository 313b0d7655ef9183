import type { ReceiptPrintableInput } from '../src/printer/receipt';

export const sampleReceipt: ReceiptPrintableInput = {
  sections: [
    {
      name: 'header',
      lines: [
        { type: 'text', text: 'Kassa Market', align: 'center', bold: true, size: 2 },
        { type: 'text', text: 'Main Street 1, Springfield', align: 'center' },
        { type: 'text', text: 'VAT no. DE123456789', align: 'center' },
      ],
    },
    {
      name: 'items',
      lines: [
        {
          type: 'columns',
          bold: true,
          columns: [
            { text: 'Item' },
            { text: 'Qty', width: 4, align: 'right' },
            { text: 'Total', width: 8, align: 'right' },
          ],
        },
        { type: 'rule' },
        {
          type: 'columns',
          columns: [
            { text: 'Organic whole milk 1 l, glass bottle' },
            { text: '2', width: 4, align: 'right' },
            { text: '3.98', width: 8, align: 'right' },
          ],
        },
        {
          type: 'columns',
          columns: [
            { text: 'Bread' },
            { text: '1', width: 4, align: 'right' },
            { text: '2.49', width: 8, align: 'right' },
          ],
        },
        { type: 'rule', style: 'double' },
        {
          type: 'columns',
          bold: true,
          columns: [{ text: 'TOTAL' }, { text: 'EUR 6.47', width: 12, align: 'right' }],
        },
      ],
    },
    {
      name: 'footer',
      lines: [
        { type: 'text', text: 'Thank you!', align: 'center', underline: true },
        { type: 'qr', data: 'https://kassa.example/r/ord_000123' },
        { type: 'barcode', data: 'ORD000123', symbology: 'code128' },
      ],
    },
  ],
};
