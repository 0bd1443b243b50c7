import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../../src-main/core/protocol/index.js';
import {
  changeKind,
  defaultLocked,
  initialValues,
  testSkipsStoredKey,
  toSaveParams,
  toTestParams,
  validate,
} from '../../../../src-renderer/features/settings/provider-form-model.js';

const stored: Provider = {
  id: 'p1',
  kind: 'openai-compatible',
  name: 'Box',
  baseUrl: 'http://h/v1',
  hasApiKey: true,
  defaultModel: 'm',
  local: false,
};

describe('provider form', () => {
  it('keeps a stored key by omitting apiKey, removes it with null and replaces it with a string', () => {
    const base = initialValues(stored);
    expect(toSaveParams(base, 'p1')).toEqual({
      id: 'p1',
      kind: 'openai-compatible',
      name: 'Box',
      baseUrl: 'http://h/v1',
      defaultModel: 'm',
    });
    expect(toSaveParams({ ...base, keyMode: 'remove' }, 'p1')).toMatchObject({ apiKey: null });
    expect(toSaveParams({ ...base, keyMode: 'replace', apiKey: 'sk-1' }, 'p1')).toMatchObject({
      apiKey: 'sk-1',
    });
  });

  it('never sends an empty key, and names a new server after its host', () => {
    const values = {
      ...initialValues(null, null),
      baseUrl: ' http://gpu.lan:8000/v1 ',
      defaultModel: ' qwen ',
    };
    expect(toSaveParams(values)).toEqual({
      kind: 'openai-compatible',
      name: 'gpu.lan:8000',
      baseUrl: 'http://gpu.lan:8000/v1',
      defaultModel: 'qwen',
      makeDefault: true,
    });
  });

  it('makes the first provider the default and leaves later ones alone unless asked', () => {
    expect(initialValues(null, null).makeDefault).toBe(true);
    expect(initialValues(null, { providerId: 'other', model: 'x' }).makeDefault).toBe(false);
  });

  it('opens a saved provider with the default box checked exactly when its model is the app’s default', () => {
    expect(initialValues(stored, { providerId: 'p1', model: 'm' }).makeDefault).toBe(true);
    expect(initialValues(stored, { providerId: 'p1', model: 'other-model' }).makeDefault).toBe(false);
    expect(initialValues(stored, { providerId: 'p2', model: 'm' }).makeDefault).toBe(false);
    expect(initialValues(stored, null).makeDefault).toBe(false);
  });

  it('locks the box while the default provider’s field still names the default model', () => {
    const appDefault = { providerId: 'p1', model: 'm' };
    const values = initialValues(stored, appDefault);
    expect(defaultLocked(values, stored, appDefault)).toBe(true);
    expect(defaultLocked({ ...values, defaultModel: 'n' }, stored, appDefault)).toBe(false);
    expect(defaultLocked(values, stored, { providerId: 'p2', model: 'm' })).toBe(false);
    expect(defaultLocked(values, null, appDefault)).toBe(false);
  });

  it('clears a saved provider’s default model when the field is emptied', () => {
    expect(toSaveParams({ ...initialValues(stored), defaultModel: '' }, 'p1')).toMatchObject({
      defaultModel: null,
    });
  });

  it('tests an unchanged saved provider by id, so its stored key is used', () => {
    expect(toTestParams(initialValues(stored), stored)).toEqual({ id: 'p1' });
    const moved = { ...initialValues(stored), baseUrl: 'http://other/v1' };
    expect(toTestParams(moved, stored)).toEqual({ kind: 'openai-compatible', baseUrl: 'http://other/v1' });
    expect(testSkipsStoredKey(moved, stored)).toBe(true);
    expect(toTestParams({ ...moved, keyMode: 'replace', apiKey: 'k' }, stored)).toMatchObject({
      apiKey: 'k',
    });
  });

  it('swaps a default URL for the new kind’s default but keeps one typed in', () => {
    const openai = changeKind(initialValues(null), 'openai');
    expect(openai.baseUrl).toBe('https://api.openai.com/v1');
    expect(changeKind(openai, 'anthropic').baseUrl).toBe('https://api.anthropic.com/v1');
    const typed = { ...initialValues(null), baseUrl: 'http://mine/v1' };
    expect(changeKind(typed, 'openai').baseUrl).toBe('http://mine/v1');
  });

  it('explains what to fix before asking the core', () => {
    const base = { ...initialValues(null), makeDefault: false };
    expect(validate({ ...base, baseUrl: '127.0.0.1:11434' })).toMatch(/http:\/\//);
    expect(validate({ ...base, baseUrl: '' })).toMatch(/base URL/);
    expect(validate({ ...base, kind: 'openai', baseUrl: '' })).toBeNull();
    expect(validate({ ...base, baseUrl: 'http://x/v1', makeDefault: true })).toMatch(/default model/);
    expect(validate({ ...base, baseUrl: 'http://x/v1' })).toBeNull();
  });
});
