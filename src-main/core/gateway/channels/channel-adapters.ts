import type { ChannelKind } from '../../protocol/channel-entities.js';
import type { ChannelAdapter } from './adapter.js';

/**
 * The platform adapters, each loaded the first time a channel of its kind starts: a core without
 * Discord channels never loads discord.js, and `cell0 serve` stays quick to start.
 */
export async function loadPlatformAdapter(kind: ChannelKind): Promise<ChannelAdapter> {
  switch (kind) {
    case 'telegram':
      return (await import('./telegram/telegram-adapter.js')).telegramAdapter;
    case 'discord':
      return (await import('./discord/discord-adapter.js')).discordAdapter;
    case 'whatsapp':
      return (await import('./whatsapp/whatsapp-adapter.js')).whatsappAdapter();
  }
}
