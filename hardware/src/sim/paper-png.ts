/**
 * A picture of the simulated paper, for a visual check of a receipt: the parsed paper items are
 * laid out as SVG (monospace text, QR codes and barcodes drawn by bwip-js) and rasterised to PNG
 * by resvg. Only the simulator uses this; printing never does.
 */
import bwipjs from 'bwip-js/node';
import type { PaperItem } from '../printer/escpos-parser';

const FONT_SIZE = 20;
const CHAR_W = FONT_SIZE * 0.602; // DejaVu Sans Mono advance width
const LINE_H = 26;
const MARGIN = 16;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Places a standalone SVG from bwip-js at (x, y) with the given width; returns [svg, height]. */
function embed(svg: string, x: number, y: number, width: number): [string, number] {
  const box = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  const vw = Number(box?.[1] ?? width);
  const vh = Number(box?.[2] ?? width);
  const height = (vh / vw) * width;
  return [svg.replace('<svg ', `<svg x="${x}" y="${y}" width="${width}" height="${height}" `), height];
}

export function paperToSvg(items: readonly PaperItem[], columns: number): string {
  const width = Math.ceil(columns * CHAR_W + MARGIN * 2);
  const parts: string[] = [];
  let y = MARGIN;
  for (const item of items) {
    switch (item.type) {
      case 'text': {
        const h = LINE_H * item.height;
        const lead = item.raw.length - item.raw.trimStart().length;
        const x = MARGIN + lead * CHAR_W;
        const text = item.raw.trimStart().trimEnd();
        const textWidth = text.length * CHAR_W * item.width;
        if (item.invert)
          parts.push(`<rect x="${x}" y="${y}" width="${textWidth}" height="${h}" fill="#000"/>`);
        const style = [
          `font-family="DejaVu Sans Mono"`,
          `font-size="${FONT_SIZE}"`,
          item.bold ? 'font-weight="bold"' : '',
          item.underline ? 'text-decoration="underline"' : '',
          `fill="${item.invert ? '#fff' : '#000'}"`,
        ].join(' ');
        const base = y + h - 7 * item.height;
        parts.push(
          `<text ${style} transform="translate(${x} ${base}) scale(${item.width} ${item.height})" xml:space="preserve">${escapeXml(text)}</text>`,
        );
        y += h;
        break;
      }
      case 'qr': {
        const side = Math.min(width - MARGIN * 2, 24 * item.size + 40);
        const [svg, h] = embed(
          bwipjs.toSVG({ bcid: 'qrcode', text: item.data }),
          (width - side) / 2,
          y + 4,
          side,
        );
        parts.push(svg);
        y += h + 8;
        break;
      }
      case 'barcode': {
        const bcid = item.symbology === 'code128' ? 'code128' : item.symbology;
        try {
          const w = Math.min(width - MARGIN * 2, 320);
          const svg = bwipjs.toSVG({
            bcid,
            text: item.data,
            height: 12,
            includetext: true,
            textxalign: 'center',
          });
          const [placed, h] = embed(svg, (width - w) / 2, y + 4, w);
          parts.push(placed);
          y += h + 8;
        } catch {
          parts.push(
            `<text x="${MARGIN}" y="${y + 20}" font-family="DejaVu Sans Mono" font-size="16">[${escapeXml(item.symbology)} ${escapeXml(item.data)}]</text>`,
          );
          y += LINE_H;
        }
        break;
      }
      case 'image':
        parts.push(
          `<rect x="${(width - item.width) / 2}" y="${y}" width="${item.width}" height="${item.height}" fill="#bbb"/>`,
        );
        y += item.height;
        break;
      case 'cut':
        parts.push(
          `<line x1="0" x2="${width}" y1="${y + 10}" y2="${y + 10}" stroke="#888" stroke-dasharray="${item.partial ? '6 6' : '0'}"/>`,
        );
        y += 20;
        break;
      case 'drawer':
        parts.push(
          `<text x="${MARGIN}" y="${y + 16}" font-family="DejaVu Sans Mono" font-size="14" fill="#888">(drawer kick, pin ${item.pin})</text>`,
        );
        y += 20;
        break;
    }
  }
  const height = Math.ceil(y + MARGIN);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

export async function paperToPng(items: readonly PaperItem[], columns: number): Promise<Buffer> {
  // Loaded on demand: the native renderer is only needed for this visual check.
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(paperToSvg(items, columns), {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans Mono' },
  });
  return resvg.render().asPng();
}
