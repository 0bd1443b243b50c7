import type { Connection, Startable, Stream } from '@libp2p/interface';
import type { Logger } from '../base/logger.js';
import { isCell0Error } from '../protocol/errors.js';
import { keyOfPeer } from './peer-ids.js';
import { Channel } from './wire.js';

/** The one component a mesh protocol needs from libp2p: where handlers are registered. */
export interface RegistrarComponents {
  registrar: {
    handle(
      protocol: string,
      handler: (stream: Stream, connection: Connection) => void | Promise<void>,
      options?: { maxInboundStreams?: number; maxOutboundStreams?: number },
    ): Promise<void>;
    unhandle(protocol: string): Promise<void>;
  };
}

export interface ProtocolLimits {
  /** Streams of this protocol open at once per connection, each way. */
  maxInboundStreams: number;
  maxOutboundStreams: number;
  /** A stream that carries nothing for this long is aborted. */
  idleMs: number;
}

/** A protocol's handler: the stream as a channel of messages, and the key the connection proved. */
export type MeshHandler = (channel: Channel, remoteKey: string | null) => Promise<void>;

/**
 * A libp2p service for one mesh protocol: it registers its handler when the node starts and
 * removes it when it stops, with stream limits and an idle timeout; a handler that throws aborts
 * its stream, never the node.
 */
export function protocolService(
  protocol: string,
  handler: MeshHandler,
  limits: ProtocolLimits,
  logger: Logger,
): (components: RegistrarComponents) => Startable {
  return (components) => ({
    async start() {
      await components.registrar.handle(
        protocol,
        (stream, connection) => {
          stream.inactivityTimeout = limits.idleMs;
          const channel = new Channel(stream);
          handler(channel, keyOfPeer(connection.remotePeer)).then(
            () => channel.close(),
            (err: unknown) => {
              // Refusals are audited where they happen; a dropped link is the network's doing.
              if (!isCell0Error(err) && stream.status === 'open')
                logger.warn(`mesh: ${protocol} failed`, err);
              channel.abort(err instanceof Error ? err.message : 'failed');
            },
          );
        },
        { maxInboundStreams: limits.maxInboundStreams, maxOutboundStreams: limits.maxOutboundStreams },
      );
    },
    async stop() {
      await components.registrar.unhandle(protocol);
    },
  });
}
