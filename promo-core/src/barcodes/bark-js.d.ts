/** Minimal types for bark-js (GS1 element string segmentation); the package ships none. */
declare module 'bark-js' {
  export interface BarkElement {
    ai: string;
    title: string;
    value: string;
    /** The characters consumed, including a trailing FNC1/GS when one followed. */
    raw: string;
  }
  export interface BarkResult {
    symbology: string;
    elements: BarkElement[];
    originalBarcode: string;
  }
  export default function bark(barcode: string, options?: { assumeGtin?: boolean; fnc?: string }): BarkResult;
}
