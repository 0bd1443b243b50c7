import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
} from '@ai-sdk/provider';
import { toGbnfSchema } from './tool-schema.js';
import type { HistoryItem, ModelResponsePart, WorkerFunction } from './worker-protocol.js';

/** What a tool answered, as text the model reads in its template's tool-result slot. */
function resultValue(output: LanguageModelV3ToolResultOutput): unknown {
  switch (output.type) {
    case 'text':
    case 'json':
      return output.value;
    case 'error-text':
      return `Error: ${output.value}`;
    case 'error-json':
      return { error: output.value };
    case 'execution-denied':
      return `The owner did not allow this call${output.reason ? `: ${output.reason}` : '.'}`;
    case 'content':
      return output.value
        .map((part) => (part.type === 'text' ? part.text : '[a file the model cannot read]'))
        .join('\n');
  }
}

/**
 * The AI SDK's prompt as node-llama-cpp's chat history: system and user turns as text, and an
 * assistant turn with its tool calls each joined to the result that answered it (node-llama-cpp
 * keeps a call and its result together and renders both through the model's own template).
 * The history ends with a model turn for the model to continue: empty for a fresh reply, or the
 * turn whose tool results just came back.
 */
export function toChatHistory(prompt: LanguageModelV3Prompt): HistoryItem[] {
  const history: HistoryItem[] = [];
  const calls = new Map<string, { name: string; params: unknown; result: unknown }>();
  let openModel: ModelResponsePart[] | null = null;

  for (const message of prompt) {
    if (message.role === 'system') {
      history.push({ type: 'system', text: message.content });
      openModel = null;
    } else if (message.role === 'user') {
      const text = message.content
        .map((part) => (part.type === 'text' ? part.text : '[an attachment this model cannot read]'))
        .join('\n');
      history.push({ type: 'user', text });
      openModel = null;
    } else if (message.role === 'assistant') {
      if (!openModel) {
        openModel = [];
        history.push({ type: 'model', response: openModel });
      }
      for (const part of message.content) {
        if (part.type === 'text' && part.text) openModel.push(part.text);
        else if (part.type === 'tool-call') {
          const call = {
            type: 'functionCall' as const,
            name: part.toolName,
            params: part.input,
            result: null as unknown,
          };
          calls.set(part.toolCallId, call);
          openModel.push(call);
        }
      }
    } else if (message.role === 'tool') {
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue;
        const call = calls.get(part.toolCallId);
        if (call) call.result = resultValue(part.output);
      }
    }
  }
  const last = history[history.length - 1];
  if (last?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** The call's function tools as node-llama-cpp functions; null when there are none. */
export function toFunctions(
  tools: LanguageModelV3CallOptions['tools'],
): Record<string, WorkerFunction> | null {
  const functions: Record<string, WorkerFunction> = {};
  for (const tool of tools ?? []) {
    if (tool.type !== 'function') continue;
    functions[tool.name] = {
      ...(tool.description ? { description: tool.description } : {}),
      params: toGbnfSchema(tool.inputSchema),
    };
  }
  return Object.keys(functions).length > 0 ? functions : null;
}
