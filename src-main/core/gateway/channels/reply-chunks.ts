/**
 * Splits a reply's Markdown into messages a platform accepts, at paragraph and code-fence
 * boundaries. A pure function of the text: the chunks of a streaming prefix are always the first
 * chunks of the finished reply, so each chunk can be sent as soon as it is complete, and its
 * index is a stable idempotency key across restarts.
 */

interface Block {
  text: string;
  /** The opening fence line (``` plus language) when the block is a fenced code block. */
  fence: { open: string; marker: string } | null;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Complete blocks of `text`; unless `final`, the block still being written is left out. */
function blocks(text: string, final: boolean): Block[] {
  const lines = text.split('\n');
  // Without a final newline the last line may still grow (`` becoming ```): wait for it.
  if (!final) lines.pop();
  const out: Block[] = [];
  let para: string[] = [];
  let fence: { open: string; marker: string; body: string[] } | null = null;
  const endPara = () => {
    if (para.length > 0) out.push({ text: para.join('\n'), fence: null });
    para = [];
  };
  for (const line of lines) {
    if (fence) {
      const close = FENCE.exec(line);
      if (close && close[1]!.startsWith(fence.marker) && close[2]!.trim() === '') {
        out.push({ text: [fence.open, ...fence.body, line].join('\n'), fence });
        fence = null;
      } else {
        fence.body.push(line);
      }
      continue;
    }
    const open = FENCE.exec(line);
    if (open) {
      endPara();
      fence = { open: line, marker: open[1]!, body: [] };
    } else if (line.trim() === '') {
      endPara();
    } else {
      para.push(line);
    }
  }
  if (final) {
    endPara();
    // An unclosed fence at the end is closed, so the platform renders it as code.
    if (fence) out.push({ text: [fence.open, ...fence.body, fence.marker].join('\n'), fence });
  }
  return out;
}

/** Splits one block that alone exceeds `limit`: code by lines (each piece fenced again), prose by lines, then words. */
function splitBlock(block: Block, limit: number): string[] {
  if (block.fence) {
    const { open, marker } = block.fence;
    const body = block.text.split('\n').slice(1, -1);
    const room = Math.max(limit - open.length - marker.length - 2, 1);
    return pack(
      body.flatMap((line) => hardSplit(line, room)),
      room,
      '\n',
    ).map((piece) => `${open}\n${piece}\n${marker}`);
  }
  const lines = block.text
    .split('\n')
    .flatMap((line) => (line.length <= limit ? [line] : wordSplit(line, limit)));
  return pack(lines, limit, '\n');
}

function wordSplit(line: string, limit: number): string[] {
  const words = line.split(/(?<=\s)/);
  return pack(
    words.flatMap((w) => hardSplit(w, limit)),
    limit,
    '',
  ).map((piece) => piece.trim());
}

function hardSplit(text: string, limit: number): string[] {
  const out: string[] = [];
  // Code points, not UTF-16 units: a split never cuts an emoji in half.
  const chars = [...text];
  for (let i = 0; i < chars.length; i += limit) out.push(chars.slice(i, i + limit).join(''));
  return out.length > 0 ? out : [''];
}

function pack(parts: string[], limit: number, sep: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  for (const part of parts) {
    if (cur === null) cur = part;
    else if (cur.length + sep.length + part.length <= limit) cur += sep + part;
    else {
      out.push(cur);
      cur = part;
    }
  }
  if (cur !== null) out.push(cur);
  return out;
}

export interface ChunkOptions {
  /** Longest chunk. */
  limit: number;
  /** A chunk is sent as soon as it holds this much and a block ends (so long replies arrive as they are written). */
  target: number;
  /** True once the reply is finished: the last block counts as complete. */
  final: boolean;
}

export function replyChunks(text: string, { limit, target, final }: ChunkOptions): string[] {
  const chunks: string[] = [];
  let cur: string[] = [];
  let curLen = 0;
  const flush = () => {
    if (cur.length > 0) chunks.push(cur.join('\n\n'));
    cur = [];
    curLen = 0;
  };
  for (const block of blocks(text.replace(/\r\n?/g, '\n'), final)) {
    if (block.text.length > limit) {
      flush();
      chunks.push(...splitBlock(block, limit));
      continue;
    }
    const added = cur.length === 0 ? block.text.length : curLen + 2 + block.text.length;
    if (added > limit) flush();
    cur.push(block.text);
    curLen = cur.length === 1 ? block.text.length : added;
    if (curLen >= target) flush();
  }
  if (final) flush();
  return chunks.filter((c) => c.trim() !== '');
}

/**
 * Chunks converted for a platform: a chunk whose converted form is still too long (escaping,
 * tags) is split again at half the size until it fits.
 */
export function platformChunks(
  markdown: string,
  opts: ChunkOptions,
  format: (markdown: string) => string,
  maxText: number,
): string[] {
  return replyChunks(markdown, opts).flatMap((chunk) => fitted(chunk, opts.limit, format, maxText));
}

function fitted(chunk: string, limit: number, format: (m: string) => string, maxText: number): string[] {
  const converted = format(chunk);
  if (converted.length <= maxText) return [converted];
  const half = Math.floor(limit / 2);
  if (half < 16) return hardSplit(converted, maxText);
  return replyChunks(chunk, { limit: half, target: half, final: true }).flatMap((c) =>
    fitted(c, half, format, maxText),
  );
}
