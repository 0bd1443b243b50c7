import type { Message, UserFromGetMe } from 'grammy/types';
import type { InboundAttachment, InboundMessage } from '../adapter.js';

/** What Telegram sends that is a file Cell 0 keeps, with the name it is saved under. */
function fileOf(m: Message): { fileId: string; name: string; mimeType: string; size: number | null } | null {
  if (m.document) {
    const d = m.document;
    return {
      fileId: d.file_id,
      name: d.file_name ?? `document-${m.message_id}`,
      mimeType: d.mime_type ?? 'application/octet-stream',
      size: d.file_size ?? null,
    };
  }
  if (m.photo && m.photo.length > 0) {
    const largest = m.photo[m.photo.length - 1]!;
    return {
      fileId: largest.file_id,
      name: `photo-${m.message_id}.jpg`,
      mimeType: 'image/jpeg',
      size: largest.file_size ?? null,
    };
  }
  const media = m.audio ?? m.video ?? m.voice ?? m.animation ?? m.video_note;
  if (media) {
    const named = media as { file_name?: string; mime_type?: string };
    const ext = m.voice ? 'ogg' : m.audio ? 'mp3' : 'mp4';
    return {
      fileId: media.file_id,
      name: named.file_name ?? `${m.voice ? 'voice' : m.audio ? 'audio' : 'video'}-${m.message_id}.${ext}`,
      mimeType: named.mime_type ?? 'application/octet-stream',
      size: media.file_size ?? null,
    };
  }
  return null;
}

const UNSUPPORTED: [keyof Message, string][] = [
  ['sticker', 'a sticker'],
  ['location', 'a location'],
  ['venue', 'a place'],
  ['contact', 'a contact'],
  ['poll', 'a poll'],
  ['dice', 'a dice roll'],
  ['game', 'a game'],
  ['story', 'a story'],
];

/**
 * Telegram's message as the internal message. Returns null for an update that is not a message
 * a person wrote (a service message: someone joined, the title changed).
 */
export function telegramInbound(
  m: Message,
  me: UserFromGetMe,
  fetchFile: (fileId: string, signal: AbortSignal) => Promise<Buffer>,
): InboundMessage | null {
  if (!m.from || m.from.is_bot) return null;
  const text = m.text ?? m.caption ?? '';
  const file = fileOf(m);
  const unsupported = UNSUPPORTED.find(([key]) => m[key] !== undefined)?.[1] ?? null;
  if (!text && !file && !unsupported) return null;
  const direct = m.chat.type === 'private';
  const entities = m.entities ?? m.caption_entities ?? [];
  const handle = `@${me.username}`.toLowerCase();
  const mentions = entities.filter(
    (e) =>
      (e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === handle) ||
      (e.type === 'text_mention' && e.user.id === me.id),
  );
  const repliedToMe = m.reply_to_message?.from?.id === me.id;
  // The mention addresses the agent; the agent reads the rest.
  let stripped = text;
  for (const e of [...mentions].sort((a, b) => b.offset - a.offset)) {
    stripped = stripped.slice(0, e.offset) + stripped.slice(e.offset + e.length);
  }
  const name =
    [m.from.first_name, m.from.last_name].filter(Boolean).join(' ') || m.from.username || String(m.from.id);
  const attachments: InboundAttachment[] = file
    ? [
        {
          name: file.name,
          mimeType: file.mimeType,
          size: file.size,
          fetch: (signal) => fetchFile(file.fileId, signal),
        },
      ]
    : [];
  return {
    platformId: `${m.chat.id}:${m.message_id}`,
    chat: {
      id: String(m.chat.id),
      type: direct ? 'direct' : 'group',
      title: direct ? name : ('title' in m.chat && m.chat.title) || String(m.chat.id),
    },
    sender: { id: String(m.from.id), name },
    mentioned: direct || mentions.length > 0 || repliedToMe,
    fromSelf: false,
    text: stripped.trim(),
    attachments,
    unsupported: file ? null : unsupported,
    sentAt: m.date * 1000,
  };
}
