import { defaultDataDir } from '../core/base/paths.js';
import { isCell0Error } from '../core/protocol/errors.js';
import type { MeshPairing, MeshPeer, MeshStatus } from '../core/protocol/mesh-entities.js';
import { ControlClient, NotRunning } from './control-client.js';

const USAGE = `Usage: cell0 mesh <command>

Talks to the Cell 0 running on this data directory (the desktop app or \`cell0 serve\`).

Commands:
  status                 This instance: its address, fingerprint and whether the mesh runs
  peers                  Peers seen and paired (status, capabilities, last seen) and pairings waiting
  pair ADDRESS           Pair with an instance at host:port, a Tailscale name, a multiaddr,
                         or a peer listed by \`peers\` (its name or fingerprint); shows the code
  confirm CODE           Confirm a pairing here with the code the other instance shows
  unpair PEER            Unpair a peer (by name, fingerprint or peer id); it is told, and revokes too
  on | off               Turn the mesh on or off (off by default)
  remote-work on|off     Let paired peers run swarm workers here, or not (off by default)

Options:
  --json                 Print the result as JSON (status, peers)`;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function ago(at: number | null): string {
  if (at === null) return 'never';
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  return new Date(at).toLocaleString();
}

function printStatus(status: MeshStatus): void {
  const { settings } = status;
  out(`Mesh: ${status.status}${status.error ? ` (${status.error.message})` : ''}`);
  out(`  Name:        ${settings.name}`);
  out(`  Fingerprint: ${status.fingerprint ?? 'identity not available'}`);
  out(`  Peer id:     ${status.peerId ?? '-'}`);
  out(
    `  Addresses:   ${status.addresses.length > 0 ? status.addresses.join('\n               ') : '(not listening)'}`,
  );
  out(`  Local network discovery (mDNS): ${settings.mdns ? 'on' : 'off'}; port ${settings.port}`);
  out(
    `  Remote work from paired peers: ${settings.allowRemoteWork ? `allowed (up to ${settings.maxRemoteWorkers} at once)` : 'off'}`,
  );
}

function peerLine(p: MeshPeer): string {
  const caps = p.capabilities;
  const models = caps ? [...new Set(caps.providers.flatMap((x) => x.models))] : [];
  const detail = caps
    ? ` · models: ${models.slice(0, 6).join(', ') || 'none'}${models.length > 6 ? '…' : ''} · load ${caps.load.activeAgents} · remote work ${caps.allowRemoteWork ? 'on' : 'off'}`
    : '';
  return `  ${p.name ?? '(unnamed)'}  ${p.state}${p.state === 'paired' ? (p.online ? ', online' : ', offline') : ''}  ${p.shortFingerprint}  last seen ${ago(p.lastSeen)}${detail}\n      ${p.peerId}`;
}

function printPeers(peers: MeshPeer[], pairings: MeshPairing[]): void {
  const waiting = pairings.filter((p) => p.state === 'waiting');
  if (waiting.length > 0) {
    out('Pairings waiting:');
    for (const p of waiting) {
      out(
        `  ${p.peerName ?? 'an instance'}  code ${p.code}  here ${p.localConfirmed ? 'confirmed' : 'not confirmed'}, there ${p.remoteConfirmed ? 'confirmed' : 'not confirmed'}`,
      );
    }
  }
  const groups: [string, MeshPeer[]][] = [
    ['Paired', peers.filter((p) => p.state === 'paired')],
    ['Seen (not paired: they can do nothing but pair)', peers.filter((p) => p.state === 'seen')],
    ['Unpaired (their keys are revoked)', peers.filter((p) => p.state === 'revoked')],
  ];
  let any = waiting.length > 0;
  for (const [title, list] of groups) {
    if (list.length === 0) continue;
    any = true;
    out(`${title}:`);
    for (const p of list) out(peerLine(p));
  }
  if (!any)
    out('No peers yet. Pair with `cell0 mesh pair ADDRESS`, or turn on mDNS to find them on this network.');
}

function printPairing(p: MeshPairing): void {
  if (p.state === 'paired') return out(`Paired with ${p.peerName ?? 'the other instance'}.`);
  if (p.state === 'failed') return out(p.error?.message ?? 'The pairing failed.');
  out(`Pairing with ${p.peerName ?? 'the other instance'} (fingerprint ${p.peerFingerprint.slice(0, 11)}…)`);
  out(`  Code: ${p.code}`);
  if (!p.localConfirmed)
    out(
      `  Check that the other instance shows the same code, then confirm here: cell0 mesh confirm ${p.code.replace(' ', '')}`,
    );
  if (!p.remoteConfirmed) out('  Waiting for the owner to confirm on the other instance too.');
}

/** `cell0 mesh …`: sets process.exitCode (1 for a failure, 2 for a usage error). */
export async function meshCommand(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const [sub, ...rest] = args.filter((a) => a !== '--json');
  if (!sub || sub === '-h' || sub === '--help' || sub === 'help') {
    out(USAGE);
    if (!sub) process.exitCode = 2;
    return;
  }
  const need = (n: number, what: string): boolean => {
    if (rest.length === n) return true;
    process.stderr.write(
      `cell0 mesh ${sub}: ${rest.length < n ? `missing ${what}` : `unexpected "${rest[n]}"`}\n\n${USAGE}\n`,
    );
    process.exitCode = 2;
    return false;
  };
  const known = ['status', 'peers', 'pair', 'confirm', 'unpair', 'on', 'off', 'remote-work'];
  if (!known.includes(sub)) {
    process.stderr.write(`cell0 mesh: unknown command "${sub}"\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  let client: ControlClient;
  try {
    client = await ControlClient.connect(defaultDataDir());
  } catch (err) {
    process.stderr.write(`cell0 mesh: ${(err as Error).message}\n`);
    process.exitCode = err instanceof NotRunning ? 1 : 2;
    return;
  }
  try {
    if (sub === 'status' && need(0, '')) {
      const status = await client.call('mesh.status', {});
      if (json) out(JSON.stringify(status));
      else printStatus(status);
    } else if (sub === 'peers' && need(0, '')) {
      const { peers, pairings } = await client.call('mesh.peers', {});
      if (json) out(JSON.stringify({ peers, pairings }));
      else printPeers(peers, pairings);
    } else if (sub === 'pair' && need(1, 'ADDRESS')) {
      const { pairing } = await client.call('mesh.pair', { target: rest[0]! });
      if (json) out(JSON.stringify(pairing));
      else printPairing(pairing);
    } else if (sub === 'confirm' && need(1, 'CODE')) {
      const { pairing } = await client.call('mesh.confirm', { code: rest[0]! });
      if (json) out(JSON.stringify(pairing));
      else printPairing(pairing);
    } else if (sub === 'unpair' && need(1, 'PEER')) {
      const { peer } = await client.call('mesh.unpair', { peer: rest[0]! });
      out(`Unpaired ${peer.name ?? peer.shortFingerprint}: its key is revoked here.`);
    } else if ((sub === 'on' || sub === 'off') && need(0, '')) {
      const status = await client.call('mesh.configure', { enabled: sub === 'on' });
      out(
        sub === 'on'
          ? 'Mesh turned on; it starts in the background (see `cell0 mesh status`).'
          : 'Mesh turned off.',
      );
      if (json) out(JSON.stringify(status));
    } else if (sub === 'remote-work' && need(1, 'on or off')) {
      if (rest[0] !== 'on' && rest[0] !== 'off') {
        process.stderr.write('cell0 mesh remote-work: say on or off\n');
        process.exitCode = 2;
        return;
      }
      await client.call('mesh.configure', { allowRemoteWork: rest[0] === 'on' });
      out(`Remote work from paired peers: ${rest[0] === 'on' ? 'allowed' : 'off'}.`);
    }
  } catch (err) {
    process.stderr.write(`cell0 mesh ${sub}: ${isCell0Error(err) ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    client.close();
  }
}
