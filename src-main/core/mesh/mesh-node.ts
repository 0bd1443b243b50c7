import './promise-shim.js';
import type { Libp2p, Startable } from '@libp2p/interface';
import type { MeshKey } from './mesh-key.js';
import type { RegistrarComponents } from './protocol-service.js';

export interface MeshNodeOptions {
  key: MeshKey;
  /** Multiaddrs to listen on, e.g. /ip4/0.0.0.0/tcp/7341. */
  listen: string[];
  mdns: boolean;
  mdnsIntervalMs: number;
  /** How often each connection is pinged; one that stops answering is closed (a lost peer). */
  livenessMs: number;
  /** The mesh's own protocols, as libp2p services. */
  services: Record<string, (components: RegistrarComponents) => Startable>;
}

/** Cell 0 instances announce themselves under their own mDNS name, so other libp2p apps are not mistaken for peers. */
export const MDNS_SERVICE_TAG = '_cell0-mesh._udp.local';

/**
 * The libp2p node: TCP, Noise (authenticated by the identity key, which is the peer id), yamux,
 * identify and ping, and mDNS when the owner wants the local network searched. libp2p is loaded
 * only here, when the owner turns the mesh on, so an instance without the mesh never pays for it.
 */
export async function createMeshNode(options: MeshNodeOptions): Promise<Libp2p> {
  const [{ createLibp2p }, { tcp }, { noise }, { yamux }, { identify }, { ping }, { mdns }] =
    await Promise.all([
      import('libp2p'),
      import('@libp2p/tcp'),
      import('@chainsafe/libp2p-noise'),
      import('@chainsafe/libp2p-yamux'),
      import('@libp2p/identify'),
      import('@libp2p/ping'),
      import('@libp2p/mdns'),
    ]);
  return createLibp2p({
    privateKey: options.key.libp2pKey,
    addresses: { listen: options.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: options.mdns
      ? [
          mdns({
            interval: options.mdnsIntervalMs,
            serviceTag: MDNS_SERVICE_TAG,
            peerName: options.key.peerId,
          }),
        ]
      : [],
    connectionManager: { maxConnections: 64 },
    connectionMonitor: {
      pingInterval: options.livenessMs,
      pingTimeout: { minTimeout: options.livenessMs, maxTimeout: options.livenessMs * 2 },
    },
    services: { identify: identify(), ping: ping(), ...options.services },
    start: false,
  });
}
