import { describe, expect, it } from 'vitest';
import { placeWorker, type PlacementInput } from '../../../src-main/core/swarms/swarm-placement.js';

const desktop = { peerId: 'p-desktop', name: 'desktop', models: ['gpu-model', 'small'], freeSlots: 2 };
const server = { peerId: 'p-server', name: 'server', models: ['small'], freeSlots: 4 };

const input = (over: Partial<PlacementInput>): PlacementInput => ({
  wanted: undefined,
  localName: 'laptop',
  model: 'small',
  localModels: ['small'],
  runModel: 'small',
  machines: [desktop, server],
  localBusy: 0,
  localSlots: 3,
  exclude: new Set(),
  ...over,
});

describe('where a swarm worker runs', () => {
  it('on the machine the plan names; on this one when the plan names it', () => {
    expect(placeWorker(input({ wanted: 'Desktop' }))).toEqual({
      peerId: 'p-desktop',
      reason: 'the plan put it on desktop',
    });
    expect(placeWorker(input({ wanted: 'laptop' }))).toEqual({ peerId: null, reason: null });
  });

  it('on a peer that has the model this instance lacks', () => {
    expect(placeWorker(input({ model: 'gpu-model' }))).toEqual({
      peerId: 'p-desktop',
      reason: 'desktop has gpu-model',
    });
  });

  it('here while here has room; on the peer with most room once here is busy', () => {
    expect(placeWorker(input({}))).toEqual({ peerId: null, reason: null });
    expect(placeWorker(input({ localBusy: 3 }))).toEqual({
      peerId: 'p-server',
      reason: 'this machine is busy; server has room',
    });
  });

  it('never again on a peer that failed the worker, nor on one without room', () => {
    expect(placeWorker(input({ wanted: 'desktop', exclude: new Set(['p-desktop']) })).peerId).toBeNull();
    expect(
      placeWorker(input({ model: 'gpu-model', machines: [{ ...desktop, freeSlots: 0 }] })).peerId,
    ).toBeNull();
  });
});
