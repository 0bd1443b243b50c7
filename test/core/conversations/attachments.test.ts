import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Attachments,
  MAX_ATTACHMENT_BYTES,
  MAX_EXTRACTED_CHARS,
  attachmentKind,
  safeAttachmentName,
} from '../../../src-main/core/conversations/attachments.js';
import { takesImages } from '../../../src-main/core/agents/model-capabilities.js';
import { tempDir } from '../../helpers/core.js';

/** A one-page PDF whose page says `text`, with a correct cross-reference table. */
function pdfWith(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 18 Tf 20 80 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('attachments', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let attachments: Attachments;
  const workspace = (id: string) => join(dir.path, id);

  beforeEach(async () => {
    dir = await tempDir();
    attachments = new Attachments(async (id) => {
      await mkdir(workspace(id), { recursive: true });
      return workspace(id);
    });
  });
  afterEach(() => dir.remove());

  async function upload(name: string, mimeType: string, bytes: Buffer, chunk = bytes.length || 1) {
    let result = null;
    for (let offset = 0; offset < bytes.length || offset === 0; offset += chunk) {
      const part = bytes.subarray(offset, offset + chunk);
      result = await attachments.add({
        conversationId: 'c1',
        uploadId: `u-${name}`,
        name,
        mimeType,
        size: bytes.length,
        offset,
        data: part.toString('base64'),
        done: offset + chunk >= bytes.length,
      });
      if (bytes.length === 0) break;
    }
    return result;
  }

  it('copies a file sent in chunks into the workspace and reads a text file back as text', async () => {
    const text = Buffer.from('line one\nline two\n'.repeat(100));
    const added = await upload('notes.md', 'text/markdown', text, 333);
    expect(added).toMatchObject({ path: 'attachments/notes.md', kind: 'text', size: text.length });
    expect(added!.text).toBe(text.toString());
    expect(await readFile(join(workspace('c1'), 'attachments', 'notes.md'))).toEqual(text);
    // The same name again gets its own file.
    expect((await upload('notes.md', 'text/markdown', text))!.path).toBe('attachments/notes-1.md');
  });

  it('extracts the text of a PDF', async () => {
    const added = await upload('report.pdf', 'application/pdf', pdfWith('Quarterly revenue grew'));
    expect(added!.kind).toBe('pdf');
    expect(added!.text).toContain('Quarterly revenue grew');
    const [again] = await attachments.resolve('c1', ['attachments/report.pdf']);
    expect(again!.text).toContain('Quarterly revenue grew');
  });

  it('cuts extracted text at the limit and says so', async () => {
    const big = Buffer.from('x'.repeat(MAX_EXTRACTED_CHARS + 10));
    const added = await upload('big.txt', 'text/plain', big);
    expect(added!.text).toHaveLength(MAX_EXTRACTED_CHARS);
    expect(added!.truncated).toBe(true);
  });

  it('refuses what is too large or unreadable with stable codes, and keeps nothing of it', async () => {
    await expect(
      attachments.add({
        conversationId: 'c1',
        uploadId: 'big',
        name: 'huge.png',
        mimeType: 'image/png',
        size: MAX_ATTACHMENT_BYTES + 1,
        offset: 0,
        data: '',
        done: false,
      }),
    ).rejects.toMatchObject({ code: 'ATTACHMENT_TOO_LARGE' });
    await expect(upload('tool.exe', 'application/x-msdownload', Buffer.from('MZ'))).rejects.toMatchObject({
      code: 'ATTACHMENT_TYPE',
    });
    await expect(
      upload('binary.txt', 'text/plain', Buffer.from([0xff, 0xfe, 0x00, 0xc3])),
    ).rejects.toMatchObject({
      code: 'ATTACHMENT_TYPE',
    });
    await expect(readFile(join(workspace('c1'), 'attachments', 'binary.txt'))).rejects.toThrow();
  });

  it('never resolves a path outside the attachments folder', async () => {
    await writeFile(join(dir.path, 'secret.txt'), 'secret');
    await mkdir(join(workspace('c1'), 'attachments'), { recursive: true });
    for (const path of ['../secret.txt', 'attachments/../../secret.txt', '/etc/passwd', 'attachments/']) {
      await expect(attachments.resolve('c1', [path])).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    }
    // A tool may swap an attachment for a link to a secret: a link is never followed.
    await symlink(join(dir.path, 'secret.txt'), join(workspace('c1'), 'attachments', 'link.txt'));
    await expect(attachments.resolve('c1', ['attachments/link.txt'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(attachments.resolve('c1', ['attachments/missing.txt'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('names files safely and knows what it can read', () => {
    expect(safeAttachmentName('../../etc/passwd')).toBe('passwd');
    expect(safeAttachmentName('C:\\Users\\me\\photo 1.jpg')).toBe('photo 1.jpg');
    expect(safeAttachmentName('.hidden')).toBe('hidden');
    expect(attachmentKind('a.PNG', '')).toBe('image');
    expect(attachmentKind('a.bin', 'application/octet-stream')).toBeNull();
    expect(attachmentKind('main.rs', '')).toBe('text');
  });

  it('tells image models from text-only ones', () => {
    for (const m of ['gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-pro', 'llava:13b', 'openai/gpt-4.1']) {
      expect(takesImages(m)).toBe(true);
    }
    for (const m of ['fake-small', 'gpt-3.5-turbo', 'llama3.2:latest', 'mistral-7b-instruct']) {
      expect(takesImages(m)).toBe(false);
    }
  });
});
