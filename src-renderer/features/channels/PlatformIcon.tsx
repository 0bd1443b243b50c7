import { Gamepad2, MessageCircle, Send } from 'lucide-react';
import type { ChannelKind } from '../../../src-main/core/protocol/index.js';

export const PLATFORM_NAMES: Record<ChannelKind, string> = {
  telegram: 'Telegram',
  discord: 'Discord',
  whatsapp: 'WhatsApp',
};

/** The platform's mark: a paper plane for Telegram, a controller for Discord, a speech bubble for WhatsApp. */
export function PlatformIcon({ kind, size = 14 }: { kind: ChannelKind; size?: number }) {
  const Icon = kind === 'telegram' ? Send : kind === 'discord' ? Gamepad2 : MessageCircle;
  return (
    <Icon
      size={size}
      className={`platform-icon platform-${kind}`}
      aria-label={PLATFORM_NAMES[kind]}
      role="img"
    />
  );
}
