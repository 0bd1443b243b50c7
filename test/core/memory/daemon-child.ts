/**
 * Runs the memory daemon on a data directory until the parent kills it: the parent SIGKILLs this
 * process while a step waits on the model, to check that the next start redoes that step once.
 */
import { openMemoryFixture } from './memory-fixture.js';

const dataDir = process.env.CELL0_MEMORY_DIR!;
const keychainService = process.env.CELL0_MEMORY_KEYCHAIN!;
const f = await openMemoryFixture({ dataDir, keychainService, start: Number(process.env.CELL0_MEMORY_NOW) });
process.stdout.write('ready\n');
await f.memory.runUntilIdle();
// Only reached if the model answered, which the parent's server never does.
process.stdout.write('finished\n');
