/** Money leaves the API as minor-unit integer strings; the dashboard formats them with BigInt. */
export const minor = (v: unknown): string => {
  if (v === null || v === undefined) return '0';
  if (typeof v === 'bigint') return v.toString();
  const s = String(v);
  // numeric sums of int8 come back as '123' (or '123.0000' for averages we never send as money).
  if (!/^-?\d+$/.test(s)) throw new RangeError(`not an integer amount: ${s}`);
  return s;
};

/** The floor of a / b for minor-unit strings (average basket value), '0' when b is 0. */
export const divMinor = (a: string, b: string): string =>
  BigInt(b) === 0n ? '0' : (BigInt(a) / BigInt(b)).toString();
