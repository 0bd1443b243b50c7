import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../core/app.js';
import { createLogger, type Logger } from '../core/base/logger.js';
import { defaultDataDir } from '../core/base/paths.js';
import { LOCAL_PROVIDER_ID, type Message, type ModelRef } from '../core/protocol/entities.js';
import type { EventPayload } from '../core/protocol/events.js';
import type { MethodName, MethodParams, MethodResult } from '../core/protocol/methods.js';

const USAGE = `Usage: cell0 ask [--model REF] [--conversation ID] [--no-tools] TEXT

Asks the agent once, headless: the reply streams to stdout; exit 0 when it is complete.
  --model REF          local:NAME (a model pulled with \`cell0 models pull\`) or PROVIDER/MODEL
                       (a provider configured in Settings → Models); default: the default model
  --conversation ID    Continue that conversation (default: a new one)
  --no-tools           Offer the model no tools
Tool calls that need permission are denied: there is no window to ask. Rules saved in the app
still apply. Exit status: 0 complete, 1 failed (the reason on stderr), 2 usage, 130 interrupted.`;

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

/** Warnings and errors only, so the reply on stdout stays clean. */
function quietLogger(): Logger {
  const log = createLogger();
  return { info: () => undefined, warn: log.warn, error: log.error };
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

  const core = createCore({
    dataDir: defaultDataDir(),
    mode: 'serve',
    logger: quietLogger(),
    ...(process.env.CELL0_KEYCHAIN_SERVICE ? { keychainService: process.env.CELL0_KEYCHAIN_SERVICE } : {}),
    ...(parsed.values['no-tools'] ? { tools: {} } : {}),
    // Headless: the memory daemon's background work belongs to the app, not to one question.
    memory: { autoStart: false },
  });
  try {
    await core.start();
    process.exitCode = await ask(core, text, modelRef, parsed.values.conversation);
  } catch (err) {
    process.stderr.write(`cell0 ask: ${(err as { message?: string }).message ?? String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await core.stop();
  }
}

async function ask(
  core: Core,
  text: string,
  modelRef: ModelRef | null,
  conversationId?: string,
): Promise<number> {
  let id = 0;
  const call = async <M extends MethodName>(
    method: M,
    params?: MethodParams<M>,
  ): Promise<MethodResult<M>> => {
    const res = await core.router.handle(JSON.stringify({ type: 'req', id: String(++id), method, params }), {
      authenticated: true,
      peer: 'cli',
    });
    if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
    return res.result as MethodResult<M>;
  };
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
  const unsubscribe = core.bus.subscribe((frame) => {
    if (frame.event === 'message.delta') {
      const delta = frame.payload as EventPayload<'message.delta'>;
      if (replyId === null) early.push(delta);
      else if (delta.messageId === replyId) process.stdout.write(delta.text);
    } else if (frame.event === 'message.updated') {
      const { message } = frame.payload as EventPayload<'message.updated'>;
      if (message.id === replyId && message.status !== 'streaming') resolveEnd(message);
    } else if (frame.event === 'permission.requested') {
      const { request } = frame.payload as EventPayload<'permission.requested'>;
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
