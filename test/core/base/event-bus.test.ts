import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/core/base/event-bus.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

describe('event bus', () => {
  it("logs a listener's error with the event it failed on, and still reaches the other listeners", () => {
    const { logger, lines } = recordingLogger();
    const bus = new EventBus({ logger });
    const seen: EventFrame[] = [];
    bus.subscribe(() => {
      throw new Error('socket closed');
    });
    bus.subscribe((frame) => seen.push(frame));

    bus.emit('memory.deleted', { id: 'm1' });

    expect(seen.map((f) => f.event)).toEqual(['memory.deleted']);
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'an event listener failed on memory.deleted',
        detail: expect.objectContaining({ message: 'socket closed' }),
      },
    ]);
  });

  it('logs a listener that keeps failing the same way once, and again when its error changes', () => {
    const { logger, lines } = recordingLogger();
    const bus = new EventBus({ logger });
    let reason = 'socket closed';
    bus.subscribe(() => {
      throw new Error(reason);
    });
    bus.emit('memory.deleted', { id: 'm1' });
    bus.emit('memory.deleted', { id: 'm1' });
    reason = 'window destroyed';
    bus.emit('memory.deleted', { id: 'm1' });
    expect(lines.map((l) => (l.detail as Error).message)).toEqual(['socket closed', 'window destroyed']);
  });
});
