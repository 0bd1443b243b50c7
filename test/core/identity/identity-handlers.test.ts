import { describe, expect, it } from 'vitest';
import { startTestCore } from '../../helpers/core.js';
import { verifyCard, verifyRotation } from '../../../src-main/core/identity/identity-service.js';

describe('identity over the protocol', () => {
  it('is made on first run, survives a restart, exports a verifiable card and rotates', async () => {
    const t = await startTestCore();
    try {
      const first = await t.call('identity.get');
      expect(first.status).toBe('ready');
      if (first.status !== 'ready') return;
      expect(first.identity.fingerprint).toMatch(/^(\d{5} ){11}\d{5}$/);
      expect(first.identity.shortFingerprint).toBe(
        first.identity.fingerprint.split(' ').slice(0, 2).join(' '),
      );

      await t.restart();
      expect(await t.call('identity.get')).toEqual(first);

      const card = await t.call('identity.exportCard', { name: 'Laptop' });
      expect(card).toMatchObject({
        type: 'cell0.identity-card',
        name: 'Laptop',
        publicKey: first.identity.publicKey,
      });
      expect(verifyCard(card)).toBe(true);
      expect(verifyCard({ ...card, name: 'Impostor' })).toBe(false);

      const { state, rotation } = await t.call('identity.rotate');
      expect(state.status).toBe('ready');
      if (state.status !== 'ready') return;
      expect(state.identity.publicKey).not.toBe(first.identity.publicKey);
      expect(state.identity.rotations).toBe(1);
      expect(rotation.previousPublicKey).toBe(first.identity.publicKey);
      expect(verifyRotation(rotation)).toBe(true);
      expect(t.events.some((e) => e.event === 'identity.updated')).toBe(true);
    } finally {
      await t.close();
    }
  });
});
