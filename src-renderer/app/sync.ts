import type { Client } from '../lib/client.js';
import { useLabs } from '../stores/labs.js';
import { createDeltaBatcher } from '../lib/delta-batcher.js';
import type { Transport } from '../lib/transport.js';
import { openConversation, reloadMessages } from '../features/chat/open-conversation.js';
import { navigateTo } from '../features/chat/navigate.js';
import { forgetConversation } from '../features/conversations/actions.js';
import { loadIdentity } from '../features/identity/actions.js';
import { loadMesh, meshListeners } from '../features/mesh/actions.js';
import { localModelListeners, loadLocalModels } from '../features/local-models/actions.js';
import { memoryListeners, refetchMemory } from '../features/memory/memory-sync.js';
import { refetchSwarms, swarmListeners } from '../features/swarms/swarm-sync.js';
import { channelListeners, refetchChannels } from '../features/channels/channel-sync.js';
import { mcpListeners, refetchMcp } from '../features/mcp/mcp-sync.js';
import { loadAgentsStatus, loadKernelStatus, scheduleKernelStatus } from '../features/kernel/actions.js';
import { loadPendingPermissions, loadRules } from '../features/permissions/actions.js';
import { useAgents } from '../stores/agents.js';
import { useAudit } from '../stores/audit.js';
import { useConnection } from '../stores/connection.js';
import { useConversations } from '../stores/conversations.js';
import { useIdentity } from '../stores/identity.js';
import { useMessages } from '../stores/messages.js';
import { usePermissions } from '../stores/permissions.js';
import { useRunningReplies } from '../stores/running-replies.js';
import { useServices } from '../stores/services.js';
import { useSettings } from '../stores/settings.js';
import { useToolCalls } from '../stores/tool-calls.js';

/**
 * Everything the window knows is rebuilt on each (re)connect, since events sent while the link
 * was down are lost; in between, events keep the stores current.
 */
async function refetchAll(c: Client): Promise<void> {
  // What the window needs to paint the conversation is asked for first, so the server answers it
  // first; the services that start in the background (identity, kernel, memory, swarms) answer
  // when they are up, without holding it back.
  const first = Promise.allSettled([
    c.call('conversations.list', {}),
    c.call('settings.get', {}),
    c.call('app.info', {}),
  ]);
  const rest = Promise.allSettled([
    loadServices(c),
    loadIdentity(),
    loadPendingPermissions(),
    loadKernelStatus(),
    loadAgentsStatus(),
    loadRules(),
    refetchMemory(),
    refetchSwarms(),
    refetchChannels(),
    loadMesh(),
    refetchMcp(),
    loadLocalModels(),
  ]);
  const [list, settings, info] = await first;
  if (settings.status === 'fulfilled') useSettings.getState().setSnapshot(settings.value);
  else console.warn('cell0: could not load settings', settings.reason);
  // Audit views reload their first page when they find their scope empty.
  useAudit.getState().resetScopes();
  useRunningReplies.getState().clear();
  if (info.status === 'fulfilled') useConnection.getState().setAppInfo(info.value);
  if (list.status === 'fulfilled') {
    useConversations.getState().setAll(list.value.conversations);
    await openConversation(useConversations.getState().selectedId);
  } else {
    console.warn('cell0: could not load conversations', list.reason);
  }
  await rest;
}

async function loadServices(c: Client): Promise<void> {
  const { services } = await c.call('core.status', {});
  useServices.getState().setAll(services);
}

export function startSync(transport: Transport, c: Client): () => void {
  const batcher = createDeltaBatcher(
    (cb) => requestAnimationFrame(cb),
    (deltas) => useMessages.getState().applyDeltas(deltas),
  );

  const onState = (state: ReturnType<Transport['getState']>) => {
    useConnection.getState().setState(state);
    if (state === 'connected') void refetchAll(c);
  };

  const unsubscribers = [
    transport.onState(onState),
    c.on('conversation.updated', ({ conversation }) => useConversations.getState().upsert(conversation)),
    c.on('conversation.deleted', ({ id }) => forgetConversation(id)),
    c.on('lab.updated', ({ lab }) => useLabs.getState().upsert([lab])),
    c.on('message.created', ({ message }) => {
      useRunningReplies.getState().note(message);
      useMessages.getState().upsertMessages(message.conversationId, [message]);
    }),
    c.on('message.delta', ({ conversationId, messageId, text }) => {
      useMessages.getState().endRetrying(messageId);
      if (conversationId === useMessages.getState().conversationId) batcher.push(messageId, text);
    }),
    c.on('message.updated', ({ message }) => {
      batcher.drop(message.id);
      if (message.status !== 'streaming') useMessages.getState().endRetrying(message.id);
      useRunningReplies.getState().note(message);
      useMessages.getState().upsertMessages(message.conversationId, [message]);
    }),
    c.on('messages.reset', ({ conversationId, total }) => {
      void reloadMessages(conversationId, total);
    }),
    c.on('message.retrying', (event) => useMessages.getState().noteRetrying(event, Date.now())),
    c.on('message.toolCall', (event) => useMessages.getState().noteToolCall(event)),
    c.on('settings.updated', ({ settings }) => useSettings.getState().setSnapshot(settings)),
    c.on('identity.updated', ({ state }) => useIdentity.getState().setState(state)),
    c.on('tool.updated', ({ toolCall }) => {
      useToolCalls.getState().upsert([toolCall]);
      scheduleKernelStatus();
    }),
    c.on('tool.output', ({ toolCallId, chunk }) => useToolCalls.getState().appendOutput(toolCallId, chunk)),
    c.on('permission.requested', ({ request }) => usePermissions.getState().requested(request)),
    c.on('permission.resolved', ({ requestId, decision }) =>
      usePermissions.getState().resolved(requestId, decision),
    ),
    c.on('permission.rulesChanged', ({ rules }) => usePermissions.getState().setRules(rules)),
    c.on('audit.appended', ({ record }) => useAudit.getState().appended(record)),
    ...memoryListeners(c),
    ...swarmListeners(c),
    ...channelListeners(c),
    ...meshListeners(c),
    ...mcpListeners(c),
    ...localModelListeners(c),
    c.on('agents.status', ({ status }) => useAgents.getState().setStatus(status)),
    c.on('core.status', ({ services }) => useServices.getState().setAll(services)),
    c.on('ui.navigate', (target) => {
      navigateTo(target).catch((err: unknown) => console.warn('cell0: could not show that place', err));
    }),
  ];

  onState(transport.getState());

  return () => {
    for (const u of unsubscribers) u();
  };
}
