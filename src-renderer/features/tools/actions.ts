import { client } from '../../app/client-instance.js';
import { useToolCalls } from '../../stores/tool-calls.js';

/** The tool cards of a conversation's replies; on open and after a reconnect (events were missed). */
export async function loadToolCalls(conversationId: string): Promise<void> {
  try {
    const { toolCalls } = await client().call('tools.list', { conversationId });
    useToolCalls.getState().upsert(toolCalls);
  } catch (err) {
    // The replies still read fine without their cards; the next open or reconnect tries again.
    console.warn('cell0: could not load tool calls', err);
  }
}
