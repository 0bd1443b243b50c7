import { open } from 'node:fs/promises';
import { Cell0Error } from '../../protocol/errors.js';
import type { LocalModelKind } from '../../protocol/local-model-entities.js';

/** What Cell 0 reads from a model file before it offers it. */
export interface GgufFacts {
  architecture: string;
  name: string | null;
  trainedContext: number | null;
  kind: LocalModelKind;
  /** Whether the model's own chat template declares function calling. */
  supportsTools: boolean | null;
}

/** Encoder architectures llama.cpp runs as embedding models. */
const EMBEDDING_ARCHITECTURES = new Set([
  'bert',
  'nomic-bert',
  'nomic-bert-moe',
  'jina-bert-v2',
  'modern-bert',
  't5encoder',
]);

/** A template that uses the `tools` variable in a Jinja tag renders tool definitions and calls. */
export function templateDeclaresTools(template: string | null): boolean {
  return template !== null && /\{[{%][^}%]*\btools\b/.test(template);
}

const notGguf = (path: string) =>
  new Cell0Error(
    'LOCAL_MODEL_NOT_GGUF',
    `${path.split(/[\\/]/).pop()} is not a GGUF model file. Cell 0 runs GGUF models (llama.cpp's format); look for a file ending in .gguf.`,
  );

/** Reads the header and metadata of a GGUF file; anything else is refused with LOCAL_MODEL_NOT_GGUF. */
export async function inspectGguf(path: string): Promise<GgufFacts> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await file.read(head, 0, 8, 0);
    if (bytesRead < 8 || head.toString('latin1', 0, 4) !== 'GGUF') throw notGguf(path);
  } finally {
    await file.close();
  }
  // node-llama-cpp's reader knows every value type and version; it is loaded only here.
  const { readGgufFileInfo } = await import('node-llama-cpp');
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(path, { readTensorInfo: false, logWarnings: false });
  } catch (err) {
    throw new Cell0Error(
      'LOCAL_MODEL_NOT_GGUF',
      `${path.split(/[\\/]/).pop()} is a damaged GGUF file: its header cannot be read.`,
      { cause: err },
    );
  }
  const metadata = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const architecture = String(metadata.general?.architecture ?? 'unknown');
  const own = metadata[architecture];
  const context = own?.context_length;
  const template = (metadata.tokenizer as { chat_template?: unknown } | undefined)?.chat_template;
  const kind: LocalModelKind =
    EMBEDDING_ARCHITECTURES.has(architecture) || own?.pooling_type !== undefined ? 'embedding' : 'chat';
  return {
    architecture,
    name: typeof metadata.general?.name === 'string' ? metadata.general.name : null,
    trainedContext: typeof context === 'number' ? context : null,
    kind,
    supportsTools:
      kind === 'chat' ? templateDeclaresTools(typeof template === 'string' ? template : null) : null,
  };
}
