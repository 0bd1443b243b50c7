import { beforeEach, describe, expect, it } from 'vitest';
import { useUi } from '../../../src-renderer/stores/ui.js';

beforeEach(() => useUi.setState({ scrollTarget: null }));

describe('scroll requests', () => {
  it('numbers each request, and a stale clear leaves a newer one in place', () => {
    const ui = () => useUi.getState();
    ui().requestScroll({ conversationId: 'c', index: 3, requestId: null });
    const first = ui().scrollTarget;
    ui().clearScrollTarget(first?.seq ?? -1);
    expect(ui().scrollTarget).toBeNull();

    ui().requestScroll({ conversationId: 'c', index: 4, requestId: 'r' });
    const second = ui().scrollTarget;
    expect(second?.seq).toBeGreaterThan(first?.seq ?? Infinity);
    ui().clearScrollTarget(first?.seq ?? -1);
    expect(ui().scrollTarget).toEqual({ conversationId: 'c', index: 4, requestId: 'r', seq: second?.seq });
  });
});
