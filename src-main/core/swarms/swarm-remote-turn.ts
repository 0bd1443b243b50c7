import type { TurnGate, TurnMeter } from '../agents/agent-turn.js';
import { Cell0Error } from '../protocol/errors.js';
import type { ToolName } from '../protocol/kernel-entities.js';
import type { SwarmAgent, SwarmRun } from '../protocol/swarm-entities.js';
import type { RemoteWorkers } from './swarm-placement.js';
import type { RunRecorder } from './swarm-recorder.js';

/**
 * One agent turn on a peer: the same events reach the agent's node as for a turn here (status,
 * text, tool calls and results, permission waits, usage against the run's budget), only they come
 * over the mesh from the peer's own agent turn.
 */
export async function runRemoteTurn(spec: {
  remote: RemoteWorkers;
  run: SwarmRun;
  agent: SwarmAgent;
  recorder: RunRecorder;
  meter: TurnMeter;
  system: string;
  prompt: string;
  tools: readonly ToolName[];
  steps: number;
  gates: TurnGate[];
  signal: AbortSignal;
}): Promise<string> {
  const { agent, recorder, meter, run } = spec;
  const result = await spec.remote.run({
    peerId: agent.machine!.peerId!,
    runId: run.id,
    conversationId: run.conversationId,
    messageId: run.messageId,
    agentId: agent.id,
    attempt: agent.attempt,
    title: agent.title,
    task: run.task,
    system: spec.system,
    prompt: spec.prompt,
    model: agent.model,
    tools: spec.tools,
    steps: spec.steps,
    gates: spec.gates,
    signal: spec.signal,
    events: {
      modelCall: () => recorder.setAgentStatus(agent, 'thinking'),
      text: (text) => recorder.appendOutput(agent, text),
      toolCall: (call) => recorder.emit({ type: 'agent.toolCall', agentId: agent.id, ...call }),
      toolState: ({ toolCallId, status }) => {
        if (status === 'running') recorder.setAgentStatus(agent, 'tool');
        else if (['done', 'failed', 'denied', 'limit', 'cancelled'].includes(status)) {
          recorder.emit({ type: 'agent.toolResult', agentId: agent.id, toolCallId, status });
          if (!spec.signal.aborted && agent.status !== 'stopped') recorder.setAgentStatus(agent, 'thinking');
        }
      },
      permission: (request) => {
        recorder.emit({ type: 'agent.permission', agentId: agent.id, ...request });
        recorder.setAgentStatus(agent, 'permission');
      },
      step: (usage) => meter.step?.(usage) ?? null,
      countToolCall: () => meter.toolCall?.() ?? null,
      retrying: (retry) => recorder.emit({ type: 'agent.waiting', agentId: agent.id, ...retry }),
    },
  });
  if (spec.signal.aborted) throw new Cell0Error('AGENT_FAILED', 'Stopped.');
  return result.text;
}
