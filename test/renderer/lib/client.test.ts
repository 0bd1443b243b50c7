import { describe, expect, it } from 'vitest';
import type { Cell0Bridge, EventFrame } from '../../../src-main/core/protocol/index.js';
import { ClientError, createClient } from '../../../src-renderer/lib/client.js';
import { TransportError } from '../../../src-renderer/lib/connection-state.js';
import { message } from '../message-fixture.js';

function bridge(answer: Cell0Bridge['call']): Cell0Bridge & { emit(frame: EventFrame): void } {
  const listeners = new Map<string, (f: EventFrame) => void>();
  return {
    call: answer,
    on: (event, l) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
    emit: (frame) => listeners.get(frame.event)?.(frame),
  };
}

describe('client', () => {
  it('returns the result of an ok frame', async () => {
    const c = createClient(bridge(async () => ({ type: 'res', id: '1', ok: true, result: { id: 'x' } })));
    await expect(c.call('conversations.delete', { id: 'x' })).resolves.toEqual({ id: 'x' });
  });

  it('throws a ClientError with the code and message of an ok:false frame', async () => {
    const c = createClient(
      bridge(async () => ({ type: 'res', id: '1', ok: false, error: { code: 'BUSY', message: 'Busy.' } })),
    );
    const err = await c.call('chat.stop', { conversationId: 'c' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ code: 'BUSY', message: 'Busy.' });
  });

  it('turns a transport failure into a ClientError with code TRANSPORT', async () => {
    const c = createClient(
      bridge(async () => {
        throw new TransportError('Lost.');
      }),
    );
    await expect(c.call('settings.get', {})).rejects.toMatchObject({ code: 'TRANSPORT', message: 'Lost.' });
  });

  it('hands listeners the event payload', () => {
    const b = bridge(async () => ({ type: 'res', id: null, ok: true, result: null }));
    const c = createClient(b);
    const seen: string[] = [];
    c.on('message.created', ({ message: m }) => seen.push(m.id));
    b.emit({ type: 'event', event: 'message.created', payload: { message: message(4) }, seq: 1 });
    expect(seen).toEqual(['m4']);
  });
});
