import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/base/paths.js';
import { LOCAL_PROVIDER_ID, type Message, type ModelRef } from '../core/protocol/entities.js';
import type { EventPayload } from '../core/protocol/events.js';
import type { MethodName, MethodParams, MethodResult } from '../core/protocol/methods.js';
import { openCoreLine, type CoreLine } from './core-line.js';

const USAGE = `Usage: cell0 ask [--model REF] [--conversation ID] [--no-tools] TEXT

Asks the agent once: the reply streams to stdout; exit 0 when it is complete. With Cell 0
running (the desktop app or \`cell0 serve\`) it asks that one, and tool calls that need
permission ask the owner there; else it starts a core of its own, where they are denied.
  --model REF          local:NAME (a model pulled with \`cell0 models pull\`) or PROVIDER/MODEL
                       (a provider configured in Settings → Models); default: the default model
  --conversation ID    Continue that conversation (default: a new one)
  --no-tools           Offer the model no tools
Rules saved in the app apply. Exit status: 0 complete, 1 failed (the reason on stderr), 2 usage,
130 interrupted.`;

function usageError(message: string): void {
  process.stderr.write(`cell0 ask: ${message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

/** "local:NAME" or "PROVIDER/MODEL" (the provider's id, as Settings → Models shows it). */
export function parseModelRef(text: string): ModelRef | null {
  if (text.startsWith('local:')) {
    const model = text.slice('local:'.length).trim();
    return model ? { providerId: LOCAL_PROVIDER_ID, model } : null;
  }
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return null;
  return { providerId: text.slice(0, slash), model: text.slice(slash + 1) };
}

/** `cell0 ask …`: one agent turn through the core, streamed to stdout. */
export async function askCommand(args: string[]): Promise<void> {
  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        conversation: { type: 'string' },
        'no-tools': { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const text = parsed.positionals.join(' ').trim();
  if (!text) return usageError('nothing to ask');
  const modelRef = parsed.values.model === undefined ? null : parseModelRef(parsed.values.model);
  if (parsed.values.model !== undefined && !modelRef) {
    return usageError(`--model takes local:NAME or PROVIDER/MODEL, not "${parsed.values.model}"`);
  }

  let line: CoreLine | null = null;
  try {
    line = await openCoreLine(defaultDataDir());
    process.exitCode = await ask(
      line,
      text,
      modelRef,
      parsed.values.conversation,
      parsed.values['no-tools'] ?? false,
    );
  } catch (err) {
    process.stderr.write(`cell0 ask: ${(err as { message?: string }).message ?? String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await line?.close();
  }
}

async function ask(
  line: CoreLine,
  text: string,
  modelRef: ModelRef | null,
  conversationId: string | undefined,
  noTools: boolean,
): Promise<number> {
  const call = <M extends MethodName>(method: M, params?: MethodParams<M>): Promise<MethodResult<M>> =>
    line.call(method, params);
  const conversation = conversationId
    ? await call('conversations.get', { id: conversationId })
    : await call('conversations.create', {});
  if (modelRef) await call('conversations.setModel', { id: conversation.id, modelRef });
  if (modelRef?.providerId === LOCAL_PROVIDER_ID) {
    const info = (await call('localModels.list')).models.find((m) => m.name === modelRef.model);
    if (info?.supportsTools === false) {
      process.stderr.write(
        `cell0 ask: tools are off for ${modelRef.model}: its chat template has no function calling.\n`,
      );
    }
  }

  let replyId: string | null = null;
  let resolveEnd!: (message: Message) => void;
  const ended = new Promise<Message>((resolve) => (resolveEnd = resolve));
  const early: EventPayload<'message.delta'>[] = [];
  const unsubscribe = line.onEvent((frame) => {
    if (frame.event === 'message.delta') {
      const delta = frame.payload as EventPayload<'message.delta'>;
      if (replyId === null) early.push(delta);
      else if (delta.messageId === replyId) process.stdout.write(delta.text);
    } else if (frame.event === 'message.updated') {
      const { message } = frame.payload as EventPayload<'message.updated'>;
      if (message.id === replyId && message.status !== 'streaming') resolveEnd(message);
    } else if (frame.event === 'permission.requested') {
      const { request } = frame.payload as EventPayload<'permission.requested'>;
      if (request.conversationId !== conversation.id) return;
      if (line.running) {
        process.stderr.write(`cell0 ask: ${request.tool} waits for the owner's permission in the window\n`);
        return;
      }
      process.stderr.write(
        `cell0 ask: denied ${request.tool} (no window to ask; allow it in the app to let it run)\n`,
      );
      void call('permissions.respond', { requestId: request.id, decision: 'deny' }).catch(() => undefined);
    }
  });
  const interrupt = () => void call('chat.stop', { conversationId: conversation.id }).catch(() => undefined);
  process.once('SIGINT', interrupt);
  try {
    const sent = await call('chat.send', {
      conversationId: conversation.id,
      text,
      clientMessageId: randomUUID(),
      ...(noTools ? { tools: 'off' as const } : {}),
    });
    replyId = sent.assistantMessage.id;
    for (const delta of early.splice(0)) if (delta.messageId === replyId) process.stdout.write(delta.text);
    const message = await ended;
    if (message.content && !message.content.endsWith('\n')) process.stdout.write('\n');
    process.stderr.write(`cell0 ask: conversation ${conversation.id}\n`);
    if (message.status === 'complete') return 0;
    if (message.status === 'stopped') return 130;
    process.stderr.write(`cell0 ask: ${message.error?.message ?? 'the reply failed'}\n`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    unsubscribe();
  }
}
