import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { GatewaySettings } from '../protocol/automation-entities.js';
import type { Router } from '../protocol/router.js';
import type { DeviceService } from './devices/device-service.js';
import { WsGateway, type HookEndpoint } from './ws-gateway.js';

/** What the gateway needs of the core (app.ts's Core has it all). */
export interface GatewayCore {
  router: Router;
  bus: EventBus;
  devices: DeviceService;
  /** Where to listen (Settings → Automations). */
  gatewaySettings(): GatewaySettings;
  /** The origin the gateway listens on, as set below (hook URLs are made from it), or null. */
  listening(): string | null;
  setListening(origin: string | null): void;
  /** `POST /hooks/<name>`: the automations' receiver, waited for when it comes early. */
  hooks: HookEndpoint;
}

export interface OpenGatewayOptions {
  core: GatewayCore;
  logger: Logger;
  /** The browser UI's access token (`serve` prints it; the desktop app keeps its own unseen). */
  token: string;
  /** A port given on the command line; else the one in Settings. */
  port?: number;
  /** The built renderer (serve), or null: the desktop app serves no browser UI. */
  staticDir: string | null;
}

/**
 * The gateway of a running core, in both modes: the protocol over WebSocket (the browser UI,
 * paired devices) and `POST /hooks/<name>`, on the address Settings names (127.0.0.1 unless the
 * owner chose another). Deliveries that come before the core has started wait for it.
 */
export async function openGateway(options: OpenGatewayOptions): Promise<WsGateway> {
  const { core } = options;
  const settings = core.gatewaySettings();
  const host = settings.bindAddress;
  const gateway = new WsGateway({
    router: core.router,
    bus: core.bus,
    logger: options.logger,
    token: options.token,
    port: options.port ?? settings.port,
    host,
    staticDir: options.staticDir,
    devices: core.devices,
    hooks: core.hooks,
  });
  await gateway.start();
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    options.logger.warn(
      `the gateway listens on ${host}:${gateway.port}, not only this computer: other machines can reach its hooks`,
    );
  }
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  core.setListening(`http://${shown}:${gateway.port}`);
  const stop = gateway.stop.bind(gateway);
  gateway.stop = async () => {
    core.setListening(null);
    await stop();
  };
  return gateway;
}
