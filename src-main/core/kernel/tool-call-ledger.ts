import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { ToolCall } from '../protocol/kernel-entities.js';
import type { Database } from '../storage/database.js';
import { ToolCallStore } from './tool-call-store.js';

/**
 * Where a tool call's card comes from: each state is stored, then announced. The last state of a
 * call is announced even when it cannot be stored, so the card never hangs at "running"; a call
 * that could not be stored at all is never announced under its id, which may be another call's.
 */
export class ToolCallLedger {
  readonly store: ToolCallStore;

  constructor(
    db: Database,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    this.store = new ToolCallStore(db);
  }

  /** Stores and announces a new call; false when its id is already taken (nothing is changed then). */
  async open(call: ToolCall): Promise<boolean> {
    if (!(await this.store.insert(call))) return false;
    this.announce(call);
    return true;
  }

  /** A state the call moves on from (waiting → running): a failure to store it stops the call. */
  async save(call: ToolCall): Promise<void> {
    await this.store.update(call);
    this.announce(call);
  }

  /** The call's last state: announced whatever happens to the store, which is logged. */
  async close(call: ToolCall): Promise<void> {
    try {
      await this.store.update(call);
    } catch (err) {
      this.logger.error(`could not store the end of tool call ${call.id} (${call.tool})`, err);
    }
    this.announce(call);
  }

  announce(call: ToolCall): void {
    this.bus.emit('tool.updated', { toolCall: call });
  }
}
