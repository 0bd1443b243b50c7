import { hostname } from 'node:os';
import { DEFAULT_MESH_PORT, type MeshSettings } from '../protocol/mesh-entities.js';

/** Sovereign defaults: off, no remote work, found on the local network once turned on. */
export function defaultMeshSettings(): MeshSettings {
  return {
    enabled: false,
    allowRemoteWork: false,
    port: DEFAULT_MESH_PORT,
    mdns: true,
    name: (hostname().split('.')[0] || 'Cell 0').slice(0, 60),
    maxRemoteWorkers: 4,
  };
}
