import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ControlClient } from '../../src-main/cli/control-client.js';
import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import type { SwarmScript } from '../fixtures/swarm-script.js';
import { lineFrom, signalGroup, type NetnsLab } from '../fixtures/netns-lab.js';
import { tempDir, testKeychainService } from './core.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/cell0.mjs`;
const run = promisify(execFile);

/**
 * One real Cell 0 on its own "machine": `cell0 serve` inside a network namespace of the lab, with
 * its own keychain (a private gnome-keyring there), data directory and fake model server beside
 * it. Driven like an owner would: the `cell0` command and the app's control socket.
 */
export class MeshInstance {
  readonly events: EventFrame[] = [];
  private readonly waiters = new Set<{
    match: (f: EventFrame) => boolean;
    resolve: (f: EventFrame) => void;
  }>();
  client!: ControlClient;
  private serve!: ChildProcess;
  private fake!: ChildProcess;
  private home!: { path: string; remove(): Promise<void> };

  constructor(
    readonly lab: NetnsLab,
    readonly name: string,
    private readonly models: string[],
  ) {}

  async start(): Promise<void> {
    if (!existsSync(`${ROOT}out/main/cli.js`)) throw new Error('Build first: npm run build');
    this.home = await tempDir('cell0-mesh-');
    this.fake = this.lab.spawn(
      this.name,
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/fake-model-process.ts'],
      { ...process.env, FAKE_MODELS: this.models.join(',') },
      ROOT,
    );
    const baseUrl = (await lineFrom(this.fake, /ready (\S+)\n/, `${this.name}'s model server`))[1]!;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CELL0_HOME: this.home.path,
      CELL0_KEYCHAIN_SERVICE: testKeychainService(),
    };
    // Its own keyring inside its namespace: the one the test runs beside is not reachable there.
    delete env.CELL0_KEYRING_READY;
    delete env.DBUS_SESSION_BUS_ADDRESS;
    this.serve = this.lab.spawn(
      this.name,
      'bash',
      ['test/with-keyring.sh', process.execPath, BIN, 'serve', '--port', '0'],
      env,
      ROOT,
    );
    await lineFrom(this.serve, /Open: (\S+)\n/, `${this.name}'s cell0 serve`);
    this.client = await ControlClient.connect(this.home.path);
    this.client.onEvent((frame) => {
      this.events.push(frame);
      for (const w of this.waiters) {
        if (w.match(frame)) {
          this.waiters.delete(w);
          w.resolve(frame);
        }
      }
    });
    await this.client.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl,
      defaultModel: this.models[0]!,
    });
  }

  /** Every model server of the lab answers this swarm's agents from now on. */
  async script(script: SwarmScript): Promise<void> {
    const done = lineFrom(this.fake, /scripted\n/, `${this.name}'s model server`);
    this.fake.stdin!.write(`${JSON.stringify(script)}\n`);
    await done;
  }

  /** Resolves with the first event (seen already or to come) that matches. */
  waitFor(match: (f: EventFrame) => boolean, timeoutMs = 60_000): Promise<EventFrame> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve };
      this.waiters.add(waiter);
      setTimeout(() => {
        if (this.waiters.delete(waiter)) reject(new Error(`${this.name}: timed out waiting for an event`));
      }, timeoutMs);
    });
  }

  /** The `cell0` command against this instance, as its owner would type it. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, CELL0_HOME: this.home.path },
      cwd: ROOT,
    });
    return stdout;
  }

  /** As if the machine lost power: the app and its keyring die at once, with no chance to say goodbye. */
  async kill(): Promise<void> {
    const exited = new Promise((resolve) => this.serve.once('exit', resolve));
    signalGroup(this.serve, 'SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    this.client?.close();
    if (this.serve && this.serve.exitCode === null && this.serve.signalCode === null) {
      const exited = new Promise((resolve) => this.serve.once('exit', resolve));
      signalGroup(this.serve, 'SIGINT');
      await exited;
    }
    this.fake?.stdin?.end();
    await this.home?.remove();
  }
}
