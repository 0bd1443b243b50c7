// Cell 0's own lint rules for the shape of the code. Written here rather than taken from a
// plugin: import-x's no-cycle skips type-only imports, and eslint-plugin-boundaries checks
// layers but not cycles inside one; both of ours read the same import graph (import-graph.js).
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph, importsOf, pathBetween } from './import-graph.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = ['src-main', 'src-renderer', 'src-preload'].map((r) => resolve(ROOT, r));

/**
 * The core's layers, from the bottom up (see ARCHITECTURE.md): a file may import only from its
 * own folder or from a folder of a lower rank. The edges (serve, cli, desktop) sit on top.
 */
export const LAYERS = [
  ['core/protocol', 'core/security'],
  ['core/base', 'core/storage', 'core/settings'],
  ['core/conversations', 'core/identity'],
  ['core/kernel'],
  ['core/memory'],
  ['core/agents'],
  ['core/mcp', 'core/swarms'],
  ['core/gateway', 'core/mesh'],
  // The checkpoint probes try every layer below, the gateway's included.
  ['core/checkpoints'],
  // The composition root: what the core is given, what it builds after it is ready, and itself.
  ['core/handlers.ts', 'core/core-options.ts'],
  ['core/background.ts'],
  ['core/app.ts'],
  ['serve.ts', 'cli', 'desktop'],
  ['cli.ts', 'index.ts'],
];

function layerOf(file) {
  const path = relative(resolve(ROOT, 'src-main'), file);
  if (path.startsWith('..')) return null;
  const parts = path.split('/');
  const unit = parts[0] === 'core' ? `core/${parts[1]}` : parts[0];
  const rank = LAYERS.findIndex((names) => names.includes(unit));
  return rank < 0 ? { unit, rank: null } : { unit, rank };
}

const short = (file) => relative(ROOT, file);

function importNodes(program) {
  return program.body.filter(
    (n) =>
      (n.type === 'ImportDeclaration' ||
        n.type === 'ExportNamedDeclaration' ||
        n.type === 'ExportAllDeclaration') &&
      n.source,
  );
}

const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'No import cycle between source files, type-only imports included.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{path}}' },
  },
  create(context) {
    const file = context.physicalFilename;
    return {
      Program(program) {
        const graph = importGraph(ROOTS);
        // The file as it is now in the editor, not as the graph read it from disk.
        graph.set(file, importsOf(file, context.sourceCode.text));
        for (const node of importNodes(program)) {
          const [target] = importsOf(file, `import '${node.source.value}';`);
          if (!target) continue;
          const back = pathBetween(graph, target, file);
          if (back) {
            context.report({
              node,
              messageId: 'cycle',
              data: { path: [file, ...back].map(short).join(' → ') },
            });
          }
        }
      },
    };
  },
};

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'The core imports only downwards through its layers.' },
    schema: [],
    messages: {
      upward:
        '{{from}} (layer {{fromRank}}) may not import {{to}} (layer {{toRank}}): layers import only downwards.',
      unknown:
        '{{unit}} is not in the layer map (eslint-rules/cell0-rules.js LAYERS): add it where it belongs.',
    },
  },
  create(context) {
    const file = context.physicalFilename;
    const from = layerOf(file);
    if (!from) return {};
    return {
      Program(program) {
        if (from.rank === null) {
          context.report({ node: program, messageId: 'unknown', data: { unit: from.unit } });
          return;
        }
        for (const node of importNodes(program)) {
          const [target] = importsOf(file, `import '${node.source.value}';`);
          const to = target && layerOf(target);
          if (!to || to.unit === from.unit || to.rank === null) continue;
          if (to.rank >= from.rank) {
            context.report({
              node,
              messageId: 'upward',
              data: { from: from.unit, fromRank: from.rank, to: to.unit, toRank: to.rank },
            });
          }
        }
      },
    };
  },
};

export default { rules: { 'no-cycle': noCycle, layers } };
