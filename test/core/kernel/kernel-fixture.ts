import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBus } from '../../../src-main/core/base/event-bus.js';
import type { Logger } from '../../../src-main/core/base/logger.js';
import { ConversationStore } from '../../../src-main/core/conversations/store.js';
import { AuditLog } from '../../../src-main/core/kernel/audit/audit-log.js';
import { Kernel, type KernelCall } from '../../../src-main/core/kernel/kernel.js';
import { PermissionEngine } from '../../../src-main/core/kernel/permissions/permission-engine.js';
import { Sandbox } from '../../../src-main/core/kernel/sandbox/sandbox.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import type { PermissionRequest } from '../../../src-main/core/protocol/kernel-entities.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import { tempDir } from '../../helpers/core.js';
import { FakeIdentity } from './permissions/engine-fixtures.js';

/**
 * The kernel on its real collaborators (SQLite, the signed audit log, the permission engine and
 * bubblewrap), with an instance key that needs no keychain and a logger that keeps its lines.
 */
export interface KernelHarness {
  kernel: Kernel;
  /** A conversation to call tools in. */
  conversationId: string;
  /** A call of one reply of that conversation. */
  call(toolCallId: string, tool: KernelCall['tool'], args: unknown): KernelCall;
  storage: StorageService;
  conversations: ConversationStore;
  /** Cell 0's data directory (the workspace root is its workspaces/). */
  dataDir: string;
  permissions: PermissionEngine;
  audit: AuditLog;
  events: EventFrame[];
  logged: string[];
  /** Resolves with the next permission card (already shown or future). */
  nextRequest(): Promise<PermissionRequest>;
  close(): Promise<void>;
}

export async function kernelHarness(): Promise<KernelHarness> {
  const dir = await tempDir('cell0-kernel-');
  // The sandbox user (as root) must pass through to the workspaces.
  await chmod(dir.path, 0o711);
  const storage = new StorageService(dir.path);
  await storage.start();
  const bus = new EventBus();
  const events: EventFrame[] = [];
  const waiting: ((request: PermissionRequest) => void)[] = [];
  bus.subscribe((frame) => {
    events.push(frame);
    if (frame.event === 'permission.requested') {
      const { request } = frame.payload as { request: PermissionRequest };
      waiting.splice(0).forEach((resolve) => resolve(request));
    }
  });
  const logged: string[] = [];
  const keep = (level: string) => (message: string, detail?: unknown) =>
    logged.push(`${level} ${message} ${detail instanceof Error ? detail.message : String(detail ?? '')}`);
  const logger: Logger = { info: keep('info'), warn: keep('warn'), error: keep('error') };
  const identity = new FakeIdentity();
  const audit = new AuditLog({ db: storage.db, identity, bus });
  await audit.start();
  const permissions = new PermissionEngine({ db: storage.db, identity, bus, audit, logger });
  await permissions.start();
  const workspaceRoot = join(dir.path, 'workspaces');
  const sandbox = new Sandbox({ logger, workspaceRoots: [workspaceRoot] });
  const conversations = new ConversationStore(storage.db);
  const kernel = new Kernel({
    chosenWorkspace: (id) => conversations.workspaceOf(id),
    sandbox,
    permissions,
    audit,
    db: storage.db,
    bus,
    dataDir: dir.path,
    logger,
    workspaceRoot,
  });
  await kernel.start();
  const { id: conversationId } = await conversations.create('Tools');
  return {
    kernel,
    conversationId,
    call: (toolCallId, tool, args) => ({
      conversationId,
      messageId: 'm1',
      toolCallId,
      tool,
      args,
      reason: null,
    }),
    storage,
    conversations,
    dataDir: dir.path,
    permissions,
    audit,
    events,
    logged,
    nextRequest() {
      const shown = permissions.pending().at(-1);
      if (shown) return Promise.resolve(shown);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      await kernel.stop();
      await permissions.stop();
      await audit.stop();
      await storage.stop();
      await dir.remove();
    },
  };
}
