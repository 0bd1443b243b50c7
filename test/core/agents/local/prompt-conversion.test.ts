import { describe, expect, it } from 'vitest';
import { toChatHistory } from '../../../../src-main/core/agents/local/prompt-conversion.js';

describe('the AI SDK prompt as a chat history', () => {
  it('joins each tool call to its result inside the model turn and leaves that turn open', () => {
    const history = toChatHistory([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'What time is it?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool-call', toolCallId: 'a', toolName: 'get_time', input: { zone: 'UTC' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'a',
            toolName: 'get_time',
            output: { type: 'json', value: { time: '10:42' } },
          },
        ],
      },
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'What time is it?' },
      {
        type: 'model',
        response: [
          'Let me look.',
          { type: 'functionCall', name: 'get_time', params: { zone: 'UTC' }, result: { time: '10:42' } },
        ],
      },
    ]);
  });

  it('ends with an empty model turn for a fresh reply, and words a denied call', () => {
    const history = toChatHistory([
      { role: 'user', content: [{ type: 'text', text: 'Delete it' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'b', toolName: 'shell', input: { command: 'rm x' } }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'b',
            toolName: 'shell',
            output: { type: 'execution-denied', reason: 'not now' },
          },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'I could not.' }] },
      { role: 'user', content: [{ type: 'text', text: 'OK' }] },
    ]);
    expect(history[1]).toEqual({
      type: 'model',
      response: [
        {
          type: 'functionCall',
          name: 'shell',
          params: { command: 'rm x' },
          result: 'The owner did not allow this call: not now',
        },
        'I could not.',
      ],
    });
    expect(history.at(-1)).toEqual({ type: 'model', response: [] });
  });
});
