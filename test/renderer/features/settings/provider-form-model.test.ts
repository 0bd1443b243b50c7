import { describe, expect, it } from 'vitest';
import {
  initialValues,
  toSaveParams,
  toTestParams,
  validate,
} from '../../../../src-renderer/features/settings/provider-form-model.js';

const stored = { kind: 'openai-compatible' as const, baseUrl: 'http://h/v1', model: 'm', hasApiKey: true };

describe('provider form', () => {
  it('keeps a stored key by omitting apiKey, removes it with null and replaces it with a string', () => {
    const base = initialValues(stored);
    expect(toSaveParams(base)).toEqual({ baseUrl: 'http://h/v1', model: 'm' });
    expect(toSaveParams({ ...base, keyMode: 'remove' })).toEqual({
      baseUrl: 'http://h/v1',
      model: 'm',
      apiKey: null,
    });
    expect(toSaveParams({ ...base, keyMode: 'replace', apiKey: 'sk-1' })).toMatchObject({ apiKey: 'sk-1' });
  });

  it('never sends an empty key', () => {
    const values = { ...initialValues(null), baseUrl: ' http://127.0.0.1:11434/v1 ', model: ' llama3 ' };
    expect(toSaveParams(values)).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' });
    expect(toTestParams(values)).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' });
  });

  it('explains what to fix before asking the core', () => {
    expect(validate({ ...initialValues(null), baseUrl: '127.0.0.1:11434', model: 'x' })).toMatch(/http:\/\//);
    expect(validate({ ...initialValues(null), baseUrl: 'http://x/v1', model: '' })).toMatch(/model/);
    expect(validate({ ...initialValues(null), baseUrl: 'http://x/v1', model: 'x' })).toBeNull();
  });
});
