import { useMemo } from 'react';
import { qrPath } from './qr-modules.js';

/** WhatsApp's link code as a QR code, drawn as SVG (dark on light in both themes, as scanners expect). */
export function ChannelQr({ text }: { text: string }) {
  const { size, path } = useMemo(() => qrPath(text), [text]);
  const quiet = 4;
  return (
    <svg
      className="channel-qr"
      data-testid="channel-qr"
      role="img"
      aria-label="QR code to link WhatsApp: scan it in WhatsApp, Settings, Linked devices, Link a device"
      viewBox={`${-quiet} ${-quiet} ${size + quiet * 2} ${size + quiet * 2}`}
      width={240}
      height={240}
    >
      <rect x={-quiet} y={-quiet} width={size + quiet * 2} height={size + quiet * 2} fill="#fff" />
      <path d={path} fill="#000" shapeRendering="crispEdges" />
    </svg>
  );
}
