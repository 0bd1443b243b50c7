import type { Attachment } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';

/** The same limits the core enforces, checked first so a person hears at once. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
const CHUNK_BYTES = 512 * 1024;
const READABLE =
  /\.(png|jpe?g|gif|webp|pdf|txt|md|markdown|csv|tsv|json|jsonl|ya?ml|toml|xml|html|css|[cm]?js|tsx?|jsx|py|rb|go|rs|java|kt|c|h|cpp|hpp|cs|swift|sh|bash|zsh|sql|log|ini|cfg|conf|env)$/i;

/** Why a file cannot be attached, in words a person can act on; null when it can. */
export function attachmentProblem(file: { name: string; size: number; type: string }): string | null {
  if (file.size > MAX_ATTACHMENT_BYTES) {
    return `“${file.name}” is ${(file.size / 1024 / 1024).toFixed(1)} MB; attachments can be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`;
  }
  const readable =
    file.type.startsWith('image/') ||
    file.type.startsWith('text/') ||
    file.type === 'application/pdf' ||
    READABLE.test(file.name);
  if (!readable || (file.type.startsWith('image/') && !/^image\/(png|jpeg|gif|webp)$/.test(file.type))) {
    return `Cell 0 cannot read “${file.name}”. Attach an image (PNG, JPEG, GIF, WebP), a PDF or a text file.`;
  }
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Copies a file into the conversation's workspace, chunk by chunk (a frame holds 1 MiB). */
export async function uploadAttachment(conversationId: string, file: File): Promise<Attachment> {
  const uploadId = crypto.randomUUID();
  const bytes = new Uint8Array(await file.arrayBuffer());
  let offset = 0;
  for (;;) {
    const chunk = bytes.subarray(offset, offset + CHUNK_BYTES);
    const done = offset + chunk.length >= bytes.length;
    const { attachment } = await client().call('attachments.add', {
      conversationId,
      uploadId,
      name: file.name,
      mimeType: file.type,
      size: bytes.length,
      offset,
      data: toBase64(chunk),
      done,
    });
    offset += chunk.length;
    if (done) {
      if (!attachment) throw new Error('The upload finished without a file.');
      return attachment;
    }
  }
}
