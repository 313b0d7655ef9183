/** Line icons drawn here (no icon font, no emoji font needed on the kiosk). */
const paths: Record<string, string> = {
  search:
    'M10.5 3a7.5 7.5 0 1 0 4.6 13.4l4.7 4.7 1.4-1.4-4.7-4.7A7.5 7.5 0 0 0 10.5 3zm0 2a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11z',
  help: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm0 2.5a3.5 3.5 0 0 0-3.5 3.5h2a1.5 1.5 0 1 1 2.2 1.3c-.9.5-1.7 1.3-1.7 2.7v.5h2V14c0-.5.3-.8.7-1A3.5 3.5 0 0 0 12 6.5zM11 16h2v2h-2z',
  staff:
    'M12 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm0 2a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM4 21c0-4.4 3.6-7 8-7s8 2.6 8 7h-2c0-3.2-2.7-5-6-5s-6 1.8-6 5z',
  keypad:
    'M3 5h18v14H3zm2 2v10h14V7zm1 1h2v2H6zm3 0h2v2H9zm3 0h2v2h-2zm3 0h2v2h-2zM6 11h2v2H6zm3 0h2v2H9zm3 0h2v2h-2zm3 0h2v2h-2zm-7 3h8v2H8z',
  cart: 'M2 3h3l2.6 11.2a2 2 0 0 0 2 1.6h8.2a2 2 0 0 0 1.9-1.4L22 7H6.4L5.8 4.6A2 2 0 0 0 3.9 3zm5 6h12.2l-1.6 5H8.2zM9.5 18a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm8 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z',
  bulb: 'M12 2a7 7 0 0 0-4 12.7V17a1 1 0 0 0 1 1h6a1 1 0 0 0 1-1v-2.3A7 7 0 0 0 12 2zm0 2a5 5 0 0 1 2.8 9.1l-.8.6V16h-4v-2.3l-.8-.6A5 5 0 0 1 12 4zm-3 15h6v2H9z',
  receipt:
    'M5 2h14v20l-2.3-1.5L14.3 22 12 20.5 9.7 22l-2.4-1.5L5 22zm2 2v14.3l.3-.2 2.4 1.5 2.3-1.5 2.3 1.5 2.4-1.5.3.2V4zm2 3h6v2H9zm0 4h6v2H9z',
  qr: 'M3 3h8v8H3zm2 2v4h4V5zm8-2h8v8h-8zm2 2v4h4V5zM3 13h8v8H3zm2 2v4h4v-4zm8-2h2v2h-2zm4 0h4v2h-4zm-4 4h4v4h-4zm6 0h2v4h-2z',
  none: 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z',
  scan: 'M2 4h2v16H2zm4 0h1v16H6zm3 0h2v16H9zm4 0h1v16h-1zm3 0h3v16h-3zm5 0h1v16h-1z',
  card: 'M2 5h20v14H2zm2 2v2h16V7zm0 5v5h16v-5zm2 2h5v1.5H6z',
};

export function Icon({ name, size = 32 }: { name: keyof typeof paths | string; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon">
      <path d={paths[name] ?? ''} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
