import { randomUUID } from 'node:crypto';
import { Cell0Error, isCell0Error, type ErrorShape } from '../protocol/errors.js';
import { errorShapeSchema } from '../protocol/frames.js';
import type { RemoteMachine, RemoteTurn, RemoteWorkers } from '../swarms/swarm-placement.js';
import { seal, type Envelope, type Signer } from './envelope.js';
import type { Gatekeeper } from './gatekeeper.js';
import type { PeerDirectory } from './peer-directory.js';
import type { RelayedPermissions } from './relayed-permissions.js';
import { FROM_WORKER, WORK_PROTOCOL } from './work-messages.js';
import type { Channel } from './wire.js';

export interface WorkClientDeps {
  signer: () => Signer;
  gatekeeper: Pick<Gatekeeper, 'admit'>;
  directory: Pick<PeerDirectory, 'paired' | 'get'>;
  relay: RelayedPermissions;
  /** Opens a stream of a protocol to a connected peer. */
  open: (peerId: string, protocol: string, signal: AbortSignal) => Promise<Channel>;
  localName: () => string;
  running: () => boolean;
}

const ACCEPT_MS = 15_000;

type Body = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The swarm's side of remote workers: which paired peers can take one, and running a worker's
 * turn there with its events mapped back onto the node. A stream that ends without an answer is a
 * lost peer (PEER_LOST), which the swarm answers by moving the worker.
 */
export class WorkClient implements RemoteWorkers {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly deps: WorkClientDeps) {}

  localName(): string {
    return this.deps.localName();
  }

  machines(): RemoteMachine[] {
    if (!this.deps.running()) return [];
    return this.deps.directory
      .paired()
      .filter((p) => p.online && p.capabilities?.allowRemoteWork)
      .map((p) => {
        const caps = p.capabilities!;
        const models = [...new Set(caps.providers.flatMap((x) => x.models))];
        const free = caps.load.maxRemoteWorkers - (this.inFlight.get(p.peerId) ?? 0);
        return { peerId: p.peerId, name: p.name ?? p.shortFingerprint, models, freeSlots: Math.max(0, free) };
      });
  }

  async run(turn: RemoteTurn): Promise<{ text: string }> {
    const peer = this.deps.directory.paired().find((p) => p.peerId === turn.peerId);
    const name = peer?.name ?? 'the peer';
    if (!peer || !peer.online) throw new Cell0Error('PEER_LOST', `${name} is not connected.`);
    const jobId = randomUUID();
    this.inFlight.set(peer.peerId, (this.inFlight.get(peer.peerId) ?? 0) + 1);
    let channel: Channel | null = null;
    try {
      try {
        channel = await this.deps.open(peer.peerId, WORK_PROTOCOL, turn.signal);
      } catch (err) {
        if (turn.signal.aborted) throw new Cell0Error('AGENT_FAILED', 'Stopped.');
        throw new Cell0Error('PEER_LOST', `${name} could not be reached.`, { cause: err });
      }
      return await this.converse(channel, peer.publicKey, name, jobId, turn);
    } finally {
      this.inFlight.set(peer.peerId, Math.max(0, (this.inFlight.get(peer.peerId) ?? 1) - 1));
      this.deps.relay.cancelJob(jobId);
      if (channel && channel.stream.status === 'open') channel.abort('done');
    }
  }

  private async converse(
    channel: Channel,
    peerKey: string,
    name: string,
    jobId: string,
    turn: RemoteTurn,
  ): Promise<{ text: string }> {
    const signer = this.deps.signer();
    const send = (type: string, body: unknown) => channel.send(seal(signer, peerKey, type, body));
    const stop = () => void send('work.stop', null).catch(() => undefined);
    turn.signal.addEventListener('abort', stop, { once: true });
    try {
      await send('work.start', {
        jobId,
        runId: turn.runId,
        agentId: turn.agentId,
        attempt: turn.attempt,
        title: turn.title,
        task: turn.task,
        system: turn.system,
        prompt: turn.prompt,
        model: turn.model,
        tools: [...turn.tools],
        steps: turn.steps,
      });
      const first = await this.next(
        channel,
        peerKey,
        name,
        AbortSignal.any([turn.signal, AbortSignal.timeout(ACCEPT_MS)]),
      );
      if (first.type === 'work.refused') {
        throw new Cell0Error(
          'REMOTE_REFUSED',
          str((first.body as Body | null)?.message) || `${name} refused.`,
        );
      }
      if (first.type !== 'work.accepted') throw new Cell0Error('PEER_LOST', `${name} answered out of turn.`);
      for (;;) {
        const envelope = await this.next(channel, peerKey, name, turn.signal);
        const body = (envelope.body ?? {}) as Body;
        const stopFor = (reason: string | null) => {
          if (!reason) return;
          stop();
          throw new Cell0Error('BUDGET_EXHAUSTED', reason);
        };
        switch (envelope.type) {
          case 'work.gate':
            for (const gate of turn.gates) await gate.wait(turn.signal);
            if (!turn.signal.aborted) await send('work.go', { seq: num(body.seq) });
            break;
          case 'work.model':
            turn.events.modelCall();
            break;
          case 'work.text':
            turn.events.text(str(body.text));
            break;
          case 'work.toolCall':
            turn.events.toolCall({
              toolCallId: str(body.toolCallId),
              toolName: str(body.toolName),
              input: body.input,
            });
            stopFor(turn.events.countToolCall());
            break;
          case 'work.tool':
            turn.events.toolState({ toolCallId: str(body.toolCallId), status: str(body.status) });
            break;
          case 'work.permission': {
            const shown = this.deps.relay.add(
              body.request,
              { conversationId: turn.conversationId, messageId: turn.messageId, machine: name, jobId },
              (requestId, decision) => send('work.answer', { requestId, decision }),
            );
            if (shown) turn.events.permission(shown);
            break;
          }
          case 'work.permissionResolved':
            this.deps.relay.resolved(jobId, str(body.requestId), str(body.decision));
            break;
          case 'work.usage': {
            const inputTokens = num(body.inputTokens);
            const outputTokens = num(body.outputTokens);
            stopFor(
              turn.events.step({
                inputTokens,
                outputTokens,
                totalTokens: num(body.totalTokens) || inputTokens + outputTokens,
                costUsd: typeof body.costUsd === 'number' ? body.costUsd : null,
              }),
            );
            break;
          }
          case 'work.retrying':
            turn.events.retrying({
              attempt: num(body.attempt) || 1,
              maxAttempts: num(body.maxAttempts) || 1,
              waitMs: num(body.waitMs),
              error: errorShapeSchema.safeParse(body.error).data ?? {
                code: 'PROVIDER_ERROR',
                message: 'Retrying.',
              },
            });
            break;
          case 'work.done':
            return { text: str(body.text) };
          case 'work.failed': {
            const error: ErrorShape = errorShapeSchema.safeParse(body.error).data ?? {
              code: 'AGENT_FAILED',
              message: `The worker failed on ${name}.`,
            };
            throw new Cell0Error(error.code, `On ${name}: ${error.message}`);
          }
          default:
            break;
        }
      }
    } finally {
      turn.signal.removeEventListener('abort', stop);
    }
  }

  private async next(
    channel: Channel,
    peerKey: string,
    name: string,
    signal: AbortSignal,
  ): Promise<Envelope> {
    let raw: unknown;
    try {
      raw = await channel.receive(signal);
    } catch (err) {
      if (signal.aborted) {
        if (signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError')
          throw new Cell0Error('PEER_LOST', `${name} did not answer.`);
        throw new Cell0Error('AGENT_FAILED', 'Stopped.');
      }
      throw new Cell0Error('PEER_LOST', `${name} stopped answering (the link was lost).`, { cause: err });
    }
    if (raw === null) throw new Cell0Error('PEER_LOST', `${name} closed the worker before it finished.`);
    try {
      return await this.deps.gatekeeper.admit(raw, peerKey, FROM_WORKER);
    } catch (err) {
      if (isCell0Error(err))
        throw new Cell0Error('REMOTE_REFUSED', `${name} sent a message that was refused.`);
      throw err;
    }
  }
}
