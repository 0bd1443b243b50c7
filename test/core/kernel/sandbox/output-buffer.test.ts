import { describe, expect, it } from 'vitest';
import { OutputBuffer, TRUNCATION_NOTE } from '../../../../src-main/core/kernel/sandbox/output-buffer.js';

describe('OutputBuffer', () => {
  it('keeps everything under the limit and passes it on live', () => {
    const live: string[] = [];
    const buffer = new OutputBuffer(100, (chunk) => live.push(chunk));
    expect(buffer.push(Buffer.from('hello '))).toBe(true);
    expect(buffer.push('world')).toBe(true);
    expect(buffer.text()).toBe('hello world');
    expect(live).toEqual(['hello ', 'world']);
    expect(buffer.truncated).toBe(false);
  });

  it('keeps the first bytes up to the limit, says it was cut, and refuses more', () => {
    const buffer = new OutputBuffer(10, () => undefined);
    expect(buffer.push('0123456789abc')).toBe(false);
    expect(buffer.push('more')).toBe(false);
    expect(buffer.text()).toBe(`0123456789${TRUNCATION_NOTE}`);
    expect(buffer.truncated).toBe(true);
  });

  it('never splits a UTF-8 character across chunks', () => {
    const buffer = new OutputBuffer(100);
    const euro = Buffer.from('€'); // three bytes
    buffer.push(euro.subarray(0, 1));
    buffer.push(euro.subarray(1));
    expect(buffer.text()).toBe('€');
  });

  it('drops a character cut by the limit instead of showing garbage', () => {
    const buffer = new OutputBuffer(4);
    buffer.push('ab€');
    expect(buffer.text()).toBe(`ab${TRUNCATION_NOTE}`);
  });
});
