import { jidNormalizedUser, type WAMessage } from 'baileys';
import type { InboundAttachment, InboundMessage } from '../adapter.js';

type Content = NonNullable<WAMessage['message']>;

/** Wrappers WhatsApp puts around a message (disappearing, view once, edited…), unwrapped. */
function unwrap(m: Content): Content {
  const inner =
    m.ephemeralMessage?.message ??
    m.viewOnceMessage?.message ??
    m.viewOnceMessageV2?.message ??
    m.documentWithCaptionMessage?.message ??
    m.editedMessage?.message;
  return inner ? unwrap(inner) : m;
}

const UNSUPPORTED: [keyof Content, string][] = [
  ['stickerMessage', 'a sticker'],
  ['locationMessage', 'a location'],
  ['liveLocationMessage', 'a live location'],
  ['contactMessage', 'a contact'],
  ['contactsArrayMessage', 'contacts'],
  ['pollCreationMessage', 'a poll'],
  ['pollCreationMessageV3', 'a poll'],
];

export interface Me {
  id: string;
  lid?: string | undefined;
}

/**
 * Baileys' WAMessage as the internal message. Null for what is not a person's message to the agent:
 * protocol and reaction messages, status updates, and whatever the owner's own phone sends in other
 * chats (the linked account is the owner's: only "message yourself" is the owner talking to the agent).
 */
export function whatsappInbound(
  msg: WAMessage,
  me: Me,
  download: (msg: WAMessage, signal: AbortSignal) => Promise<Buffer>,
): InboundMessage | null {
  const jid = msg.key.remoteJid;
  if (!jid || !msg.message || !msg.key.id) return null;
  if (jid === 'status@broadcast' || jid.endsWith('@newsletter') || jid.endsWith('@broadcast')) return null;
  const myIds = [me.id, me.lid].filter((x): x is string => Boolean(x)).map((x) => jidNormalizedUser(x));
  const group = jid.endsWith('@g.us');
  const selfChat = !group && myIds.includes(jidNormalizedUser(jid));
  if (msg.key.fromMe && !selfChat) return null;
  const m = unwrap(msg.message);
  if (
    m.protocolMessage ||
    m.reactionMessage ||
    (m.senderKeyDistributionMessage && Object.keys(m).length === 1)
  )
    return null;
  const text =
    m.conversation ??
    m.extendedTextMessage?.text ??
    m.imageMessage?.caption ??
    m.videoMessage?.caption ??
    m.documentMessage?.caption ??
    '';
  const media = m.documentMessage ?? m.imageMessage ?? m.audioMessage ?? m.videoMessage;
  const attachments: InboundAttachment[] = [];
  if (media) {
    const mimeType = media.mimetype ?? 'application/octet-stream';
    const ext = mimeType.split('/')[1]?.split(';')[0] ?? 'bin';
    const named = m.documentMessage?.fileName;
    attachments.push({
      name:
        named ??
        `${m.imageMessage ? 'photo' : m.audioMessage ? 'audio' : m.videoMessage ? 'video' : 'file'}-${msg.key.id}.${ext}`,
      mimeType,
      size: media.fileLength === null || media.fileLength === undefined ? null : Number(media.fileLength),
      fetch: (signal) => download(msg, signal),
    });
  }
  const unsupported = UNSUPPORTED.find(([key]) => m[key])?.[1] ?? null;
  if (!text && attachments.length === 0 && !unsupported) return null;
  const senderJid = group ? (msg.key.participant ?? '') : selfChat ? myIds[0]! : jid;
  const mentionedJids = m.extendedTextMessage?.contextInfo?.mentionedJid ?? [];
  const quoted = m.extendedTextMessage?.contextInfo?.participant;
  const mentioned =
    !group ||
    mentionedJids.some((j) => myIds.includes(jidNormalizedUser(j))) ||
    (quoted !== null && quoted !== undefined && myIds.includes(jidNormalizedUser(quoted)));
  let stripped = text;
  for (const mine of myIds) stripped = stripped.replaceAll(`@${mine.split('@')[0]}`, '');
  const sender = jidNormalizedUser(senderJid);
  const name = msg.pushName ?? `+${sender.split('@')[0]}`;
  const ts = Number(msg.messageTimestamp ?? 0);
  return {
    platformId: `${jid}:${msg.key.id}`,
    chat: {
      id: jid,
      type: group ? 'group' : 'direct',
      title: selfChat ? 'You (message yourself)' : group ? jid : name,
    },
    sender: { id: sender, name },
    mentioned,
    fromSelf: selfChat,
    text: stripped.trim(),
    attachments,
    unsupported: attachments.length === 0 && !text ? unsupported : null,
    sentAt: ts > 0 ? ts * 1000 : Date.now(),
  };
}
