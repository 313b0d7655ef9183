/**
 * When can the kiosk's pricing be compared with the hub's? Both must have priced with the same
 * reference data. The hub labels its data version `hub:<stamp>` (its replication clock when it
 * priced); the kiosk knows the highest stamp among the rows it holds and the stamp up to which
 * it has pulled everything. The data are the same exactly when kioskMax ≤ stamp ≤ caughtUpTo:
 * nothing the kiosk holds is newer than the hub's version, and nothing up to it is missing.
 */
export interface DataVersion {
  kioskMax: number;
  caughtUpTo: number;
}

export function hubStamp(dataVersion: string | null | undefined): number | null {
  const m = /^hub:(\d+)$/.exec(dataVersion ?? '');
  return m ? Number(m[1]) : null;
}

export function comparable(dataVersion: string | null | undefined, v: DataVersion): boolean {
  const s = hubStamp(dataVersion);
  return s !== null && v.kioskMax <= s && s <= v.caughtUpTo;
}
