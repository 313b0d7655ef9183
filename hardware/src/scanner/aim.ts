/**
 * AIM symbology identifiers (ISO/IEC 15424): a scanner configured to send them prefixes each
 * code with `]` + a code character + a modifier, e.g. `]E0` (EAN-13/UPC) or `]d2` (GS1 DataMatrix).
 * The hub's barcode resolution only normalises codes when it knows the symbology (spec §1.9 step 7).
 */
export type Symbology =
  | 'ean13'
  | 'ean8'
  | 'upca'
  | 'upce'
  | 'ean-addon'
  | 'code128'
  | 'gs1-128'
  | 'code39'
  | 'code93'
  | 'code11'
  | 'codabar'
  | 'itf'
  | 'msi'
  | 'gs1-databar'
  | 'pdf417'
  | 'qr'
  | 'gs1-qr'
  | 'datamatrix'
  | 'gs1-datamatrix'
  | 'aztec'
  | 'maxicode'
  | 'other'
  | 'unknown';

export interface AimParse {
  /** The three-character identifier, e.g. `]E0`; null when the code carries none. */
  aimId: string | null;
  symbology: Symbology;
  data: string;
}

function eanFamily(modifier: string, data: string): Symbology {
  if (modifier === '4') return 'ean8';
  if (modifier === '1' || modifier === '2') return 'ean-addon';
  // `]E0` covers EAN-13, UPC-A (often sent as 13 digits with a leading 0) and UPC-E (8 digits).
  if (data.length === 12) return 'upca';
  if (data.length === 8 || data.length === 6) return 'upce';
  return 'ean13';
}

function symbologyOf(code: string, modifier: string, data: string): Symbology {
  switch (code) {
    case 'E':
      return eanFamily(modifier, data);
    case 'C':
      return modifier === '1' ? 'gs1-128' : 'code128';
    case 'A':
      return 'code39';
    case 'G':
      return 'code93';
    case 'H':
      return 'code11';
    case 'F':
      return 'codabar';
    case 'I':
      return 'itf';
    case 'M':
      return 'msi';
    case 'e':
      return 'gs1-databar';
    case 'L':
      return 'pdf417';
    case 'Q':
      // Q3 and Q4 carry GS1 element strings (FNC1 in first/second position).
      return modifier === '3' || modifier === '4' ? 'gs1-qr' : 'qr';
    case 'd':
      return modifier === '2' || modifier === '5' ? 'gs1-datamatrix' : 'datamatrix';
    case 'z':
      return 'aztec';
    case 'U':
      return 'maxicode';
    case 'X':
    case 'Y':
      return 'other';
    default:
      return 'unknown';
  }
}

const AIM_PATTERN = /^\](?<code>[A-Za-z])(?<modifier>[0-9A-Za-z])/;

/** Splits an AIM identifier off the front of a decoded code; a code without one is returned as is. */
export function parseAim(text: string): AimParse {
  const match = AIM_PATTERN.exec(text);
  if (!match?.groups) return { aimId: null, symbology: 'unknown', data: text };
  const code = match.groups.code ?? '';
  const modifier = match.groups.modifier ?? '';
  const data = text.slice(3);
  return { aimId: text.slice(0, 3), symbology: symbologyOf(code, modifier, data), data };
}
