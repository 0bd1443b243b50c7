import type { MethodParams, MethodResult, ProviderSettings } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { useSettings } from '../../stores/settings.js';

export async function saveProvider(params: MethodParams<'settings.setProvider'>): Promise<ProviderSettings> {
  const provider = await client().call('settings.setProvider', params);
  useSettings.getState().setProvider(provider);
  return provider;
}

export function testProvider(params: MethodParams<'provider.test'>): Promise<MethodResult<'provider.test'>> {
  return client().call('provider.test', params);
}
