import { generateKeyPairSync, sign } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { defaultDataDir } from '../core/base/paths.js';
import { claimMessage } from '../core/gateway/devices/device-service.js';
import { DEVICE_SCOPES, type DeviceScope } from '../core/protocol/device-entities.js';
import type { ResponseFrame } from '../core/protocol/frames.js';
import { SettingsStore } from '../core/settings/settings-store.js';

const USAGE = `Usage: cell0 pair [--name NAME] [--scope read-only|chat|full] [--url WS_URL]

Pairs another program with the gateway of the running Cell 0: prints a short code, which the
owner approves in the window (Automations → Devices). Once approved, prints the device's
credentials as JSON on stdout: {"deviceId", "token", "scope", "url"}. The program connects to
the URL and sends session.hello with the token. Revoke it in the window at any time.
  --name NAME     What the owner sees (default: "cli on <host>")
  --scope SCOPE   read-only (lists and reads), chat (and sending messages), full (default chat)
  --url WS_URL    The gateway (default ws://127.0.0.1:<port in Settings>/ws)`;

const WAIT_MS = 10 * 60_000;
const POLL_MS = 1000;

function usageError(message: string): void {
  process.stderr.write(`cell0 pair: ${message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

async function defaultUrl(): Promise<string> {
  const settings = new SettingsStore(defaultDataDir());
  await settings.start();
  const { port } = settings.gateway();
  await settings.stop();
  return `ws://127.0.0.1:${port}/ws`;
}

/** `cell0 pair`: one device key pair, one pairing request, then the wait for the owner. */
export async function pairCommand(args: string[]): Promise<void> {
  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { name: { type: 'string' }, scope: { type: 'string' }, url: { type: 'string' } },
    }));
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const scope = (values.scope ?? 'chat') as DeviceScope;
  if (!DEVICE_SCOPES.includes(scope)) return usageError(`--scope is one of ${DEVICE_SCOPES.join(', ')}`);
  const url = values.url ?? (await defaultUrl());
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  let ws: WebSocket;
  try {
    ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  } catch {
    process.stderr.write(
      `cell0 pair: nothing answers at ${url}. Is Cell 0 running (the desktop app or \`cell0 serve\`)?\n`,
    );
    process.exitCode = 1;
    return;
  }
  let next = 0;
  const pending = new Map<string, (frame: ResponseFrame) => void>();
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as ResponseFrame;
    if (frame.type === 'res' && frame.id) pending.get(frame.id)?.(frame);
  });
  const call = (method: string, params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = `pair-${++next}`;
      pending.set(id, (frame) => {
        pending.delete(id);
        if (frame.ok) resolve(frame.result);
        else reject(new Error(frame.error.message));
      });
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  try {
    const { deviceId, code } = (await call('devices.pair', {
      name: values.name ?? `cli on ${hostname()}`,
      scope,
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
    })) as { deviceId: string; code: string };
    process.stderr.write(
      `Pairing code: ${code}\nApprove it in the Cell 0 window (Automations → Devices). Waiting…\n`,
    );
    const signature = sign(null, claimMessage(deviceId), privateKey).toString('base64url');
    const until = Date.now() + WAIT_MS;
    while (Date.now() < until) {
      const claim = (await call('devices.claim', { deviceId, signature })) as {
        state: 'pending' | 'paired' | 'refused';
        token: string | null;
      };
      if (claim.state === 'paired' && claim.token) {
        process.stdout.write(`${JSON.stringify({ deviceId, token: claim.token, scope, url })}\n`);
        return;
      }
      if (claim.state === 'refused') throw new Error('the owner turned this device away');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error('nobody approved the code in ten minutes');
  } catch (err) {
    process.stderr.write(`cell0 pair: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    ws.close();
  }
}
