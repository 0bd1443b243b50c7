import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import type { Attachment } from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';

/** The largest file one message may carry. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** What the model reads of a PDF or text file, at most; the whole file stays in the workspace. */
export const MAX_EXTRACTED_CHARS = 100_000;
export const ATTACHMENT_DIR = 'attachments';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const TEXT_EXTENSIONS = new Set([
  '.txt',
  '.md',
  '.markdown',
  '.csv',
  '.tsv',
  '.json',
  '.jsonl',
  '.yaml',
  '.yml',
  '.toml',
  '.xml',
  '.html',
  '.css',
  '.js',
  '.mjs',
  '.cjs',
  '.ts',
  '.tsx',
  '.jsx',
  '.py',
  '.rb',
  '.go',
  '.rs',
  '.java',
  '.kt',
  '.c',
  '.h',
  '.cpp',
  '.hpp',
  '.cs',
  '.swift',
  '.sh',
  '.bash',
  '.zsh',
  '.sql',
  '.log',
  '.ini',
  '.cfg',
  '.conf',
  '.env',
]);

export function attachmentKind(name: string, mimeType: string): Attachment['kind'] | null {
  const ext = extname(name).toLowerCase();
  if (IMAGE_TYPES.has(mimeType) || ['.png', '.jpg', '.jpeg', '.gif', '.webp'].includes(ext)) return 'image';
  if (mimeType === 'application/pdf' || ext === '.pdf') return 'pdf';
  if (mimeType.startsWith('text/') || TEXT_EXTENSIONS.has(ext) || mimeType === 'application/json')
    return 'text';
  return null;
}

/** A name that stays one path segment: no separators, no leading dots, at most 120 characters. */
export function safeAttachmentName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(-120);
  return base === '' ? 'attachment' : base;
}

const IMAGE_MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

export function imageMimeType(name: string, fallback: string): string {
  return IMAGE_MIME[extname(name).toLowerCase()] ?? fallback;
}

/** pdf.js's own copies of the 14 standard fonts, so a PDF that uses them is read without a warning. */
function standardFontDataUrl(): string {
  return `${dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/standard_fonts/`;
}

/**
 * The workspace is writable by the agent's tools: a file there may have been swapped for a link
 * to something outside. Never followed, so an attachment can only ever be a file in the folder.
 */
async function readNoFollow(file: string): Promise<Buffer> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** A PDF's text, page by page (pdf.js in Node, no worker thread needed for text). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: bytes,
    isEvalSupported: false,
    useSystemFonts: false,
    standardFontDataUrl: standardFontDataUrl(),
    verbosity: 0,
  }).promise;
  try {
    const pages: string[] = [];
    let length = 0;
    for (let n = 1; n <= doc.numPages && length < MAX_EXTRACTED_CHARS; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
        .join('')
        .trim();
      pages.push(text);
      length += text.length;
    }
    return pages.join('\n\n');
  } finally {
    await doc.destroy();
  }
}

async function extract(
  kind: Attachment['kind'],
  file: string,
): Promise<{ text?: string; truncated?: boolean }> {
  if (kind === 'image') return {};
  const bytes = await readNoFollow(file);
  let text: string;
  try {
    text =
      kind === 'pdf'
        ? await pdfText(new Uint8Array(bytes))
        : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Cell0Error(
      'ATTACHMENT_TYPE',
      kind === 'pdf'
        ? 'That PDF could not be read (damaged or encrypted). Save it again or attach its text.'
        : 'That file is not UTF-8 text. Attach text, a PDF or an image.',
    );
  }
  return text.length > MAX_EXTRACTED_CHARS
    ? { text: text.slice(0, MAX_EXTRACTED_CHARS), truncated: true }
    : { text };
}

interface Upload {
  conversationId: string;
  name: string;
  mimeType: string;
  size: number;
  received: number;
  temp: string;
}

/**
 * Files the owner attaches, copied into the conversation's workspace (the only place its sandboxed
 * tools may write, so the agent can open them too). Uploads come in chunks: a protocol frame is 1 MiB.
 */
export class Attachments {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly workspaceFor: (conversationId: string) => Promise<string>) {}

  /** Takes one chunk; returns the stored attachment with the last one. */
  async add(input: {
    conversationId: string;
    uploadId: string;
    name: string;
    mimeType: string;
    size: number;
    offset: number;
    data: string;
    done: boolean;
  }): Promise<Attachment | null> {
    if (input.size > MAX_ATTACHMENT_BYTES) {
      throw new Cell0Error(
        'ATTACHMENT_TOO_LARGE',
        `“${input.name}” is ${(input.size / 1024 / 1024).toFixed(1)} MB; attachments can be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`,
      );
    }
    const kind = attachmentKind(input.name, input.mimeType);
    if (!kind) {
      throw new Cell0Error(
        'ATTACHMENT_TYPE',
        `Cell 0 cannot read “${input.name}”. Attach an image (PNG, JPEG, GIF, WebP), a PDF or a text file.`,
      );
    }
    const workspace = await this.workspaceFor(input.conversationId);
    let upload = this.uploads.get(input.uploadId);
    if (!upload) {
      if (input.offset !== 0)
        throw new Cell0Error('NOT_FOUND', 'That upload is unknown; attach the file again.');
      await ownDirectory(join(workspace, '.uploads'));
      upload = {
        conversationId: input.conversationId,
        name: input.name,
        mimeType: input.mimeType,
        size: input.size,
        received: 0,
        temp: join(workspace, '.uploads', randomUUID()),
      };
      this.uploads.set(input.uploadId, upload);
    }
    if (upload.conversationId !== input.conversationId || input.offset !== upload.received) {
      this.uploads.delete(input.uploadId);
      await rm(upload.temp, { force: true });
      throw new Cell0Error('BAD_PARAMS', 'The upload arrived out of order; attach the file again.');
    }
    const chunk = Buffer.from(input.data, 'base64');
    if (upload.received + chunk.length > upload.size) {
      this.uploads.delete(input.uploadId);
      await rm(upload.temp, { force: true });
      throw new Cell0Error('BAD_PARAMS', 'The upload is longer than its stated size; attach the file again.');
    }
    const handle = await open(upload.temp, 'a');
    try {
      await handle.write(chunk);
    } finally {
      await handle.close();
    }
    upload.received += chunk.length;
    if (!input.done) return null;
    this.uploads.delete(input.uploadId);
    if (upload.received !== upload.size) {
      await rm(upload.temp, { force: true });
      throw new Cell0Error('BAD_PARAMS', 'The upload ended early; attach the file again.');
    }
    try {
      const extracted = await extract(kind, upload.temp);
      const dir = join(workspace, ATTACHMENT_DIR);
      await ownDirectory(dir);
      const name = await freeName(dir, safeAttachmentName(upload.name));
      await rename(upload.temp, join(dir, name));
      return {
        name: upload.name,
        path: `${ATTACHMENT_DIR}/${name}`,
        mimeType:
          kind === 'image'
            ? imageMimeType(name, upload.mimeType)
            : upload.mimeType || 'application/octet-stream',
        size: upload.size,
        kind,
        ...extracted,
      };
    } catch (err) {
      await rm(upload.temp, { force: true });
      throw err;
    }
  }

  /** The attachments a message refers to, re-read from the workspace (never trusting the client's copy). */
  async resolve(conversationId: string, paths: string[]): Promise<Attachment[]> {
    const workspace = await this.workspaceFor(conversationId);
    const root = resolve(workspace, ATTACHMENT_DIR);
    const out: Attachment[] = [];
    for (const path of paths) {
      const file = resolve(workspace, path);
      const rel = relative(root, file);
      if (rel === '' || rel.startsWith('..') || rel.includes(sep)) {
        throw new Cell0Error('BAD_PARAMS', `“${path}” is not an attachment of this conversation.`);
      }
      const info = await lstat(file).catch(() => null);
      if (!info?.isFile())
        throw new Cell0Error('NOT_FOUND', `The attachment “${path}” is no longer in the workspace.`);
      const kind = attachmentKind(rel, '');
      if (!kind) throw new Cell0Error('ATTACHMENT_TYPE', `Cell 0 cannot read “${rel}”.`);
      out.push({
        name: rel,
        path: `${ATTACHMENT_DIR}/${rel}`,
        mimeType:
          kind === 'image'
            ? imageMimeType(rel, 'image/png')
            : kind === 'pdf'
              ? 'application/pdf'
              : 'text/plain',
        size: info.size,
        kind,
        ...(await extract(kind, file)),
      });
    }
    return out;
  }

  /** An image's bytes for the model. */
  async read(conversationId: string, attachment: Attachment): Promise<Uint8Array> {
    const [owner] = await this.resolve(conversationId, [attachment.path]);
    return new Uint8Array(await readNoFollow(resolve(await this.workspaceFor(conversationId), owner!.path)));
  }
}

/** A folder of the workspace we write into: made if missing, refused if a tool made it a link elsewhere. */
async function ownDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const info = await lstat(dir);
  if (!info.isDirectory()) {
    throw new Cell0Error(
      'BAD_PARAMS',
      `${basename(dir)} in this conversation's workspace is not a folder; remove it and retry.`,
    );
  }
}

async function freeName(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; n < 1000; n++) {
    const candidate = n === 0 ? name : `${stem}-${n}${ext}`;
    if (!(await stat(join(dir, candidate)).catch(() => null))) return candidate;
  }
  return `${stem}-${randomUUID().slice(0, 8)}${ext}`;
}
