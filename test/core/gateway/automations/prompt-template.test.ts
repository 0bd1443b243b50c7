import { describe, expect, it } from 'vitest';
import { readPath, renderTemplate } from '../../../../src-main/core/gateway/automations/prompt-template.js';

const payload = {
  repository: { full_name: 'cell0/cell0' },
  commits: [{ id: 'abc', message: 'Fix it' }],
  'odd key': { v: 1 },
  count: 0,
};

describe('prompt templates', () => {
  it('fills fields by JSON path, with or without the leading $', () => {
    expect(renderTemplate('{{ $.repository.full_name }} / {{commits[0].message}}', payload)).toBe(
      'cell0/cell0 / Fix it',
    );
    expect(renderTemplate("{{ $['odd key'].v }} and {{ count }}", payload)).toBe('1 and 0');
  });

  it('writes objects as JSON and leaves missing fields empty', () => {
    expect(renderTemplate('[{{ $.commits[0] }}]', payload)).toBe('[{"id":"abc","message":"Fix it"}]');
    expect(renderTemplate('[{{ $.nope.deeper }}][{{ commits[9].id }}]', payload)).toBe('[][]');
  });

  it('does not walk into prototypes or odd syntax', () => {
    expect(readPath(payload, '$.constructor')).toBeUndefined();
    expect(readPath(payload, '$.commits.__proto__')).toBeUndefined();
    expect(readPath(payload, '$..commits')).toBeUndefined();
  });
});
