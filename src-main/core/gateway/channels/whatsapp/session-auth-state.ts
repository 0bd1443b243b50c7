import { BufferJSON, initAuthCreds, proto, type AuthenticationState, type SignalDataTypeMap } from 'baileys';
import type { SessionStore } from '../adapter.js';

/**
 * Baileys' authentication state (its credentials and Signal keys) kept in the channel's session
 * store, which seals every entry with a key from the keychain: Baileys' own multi-file state would
 * leave them readable on disk. Writes are chained so a key update never lands before an older one.
 */
export async function sessionAuthState(
  store: SessionStore,
): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void>; linked: boolean }> {
  let writes: Promise<unknown> = Promise.resolve();
  const write = (name: string, value: unknown) => {
    const run = writes.then(() =>
      store.write(name, value === null ? null : JSON.stringify(value, BufferJSON.replacer)),
    );
    writes = run.catch(() => undefined);
    return run;
  };
  const read = async (name: string): Promise<unknown> => {
    await writes;
    const raw = await store.read(name);
    return raw === null ? null : (JSON.parse(raw, BufferJSON.reviver) as unknown);
  };
  const stored = (await read('creds')) as AuthenticationState['creds'] | null;
  const creds = stored ?? initAuthCreds();
  return {
    linked: Boolean(stored?.me),
    state: {
      creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
          const out: { [id: string]: SignalDataTypeMap[T] } = {};
          await Promise.all(
            ids.map(async (id) => {
              let value = (await read(`${type}-${id}`)) as SignalDataTypeMap[T] | null;
              if (type === 'app-state-sync-key' && value) {
                value = proto.Message.AppStateSyncKeyData.fromObject(
                  value as object,
                ) as unknown as SignalDataTypeMap[T];
              }
              if (value) out[id] = value;
            }),
          );
          return out;
        },
        set: async (data) => {
          const tasks: Promise<unknown>[] = [];
          for (const [category, entries] of Object.entries(data)) {
            for (const [id, value] of Object.entries(entries ?? {}))
              tasks.push(write(`${category}-${id}`, value ?? null));
          }
          await Promise.all(tasks);
        },
      },
    },
    saveCreds: () => write('creds', creds).then(() => undefined),
  };
}
