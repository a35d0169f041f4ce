// Builds `taskmock/testing` for consumers: src/testing/index.ts bundled for Node (which Bun also
// runs) into dist/testing.js, and its types into dist/testing.d.ts. It spawns dist/taskmock, the
// executable `bun run build` makes beside it; `npm pack` (prepack) runs both.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..');
const DIST = join(ROOT, 'dist');

const result = await Bun.build({
  entrypoints: [join(ROOT, 'src', 'testing', 'index.ts')],
  target: 'node',
  format: 'esm',
  outdir: DIST,
  naming: 'testing.js',
});
if (!result.success) {
  console.error(result.logs.map(String).join('\n'));
  process.exit(1);
}
const types = join(DIST, 'testing-types');
const tsc = Bun.spawnSync(
  [
    process.execPath,
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    join(ROOT, 'src', 'testing', 'index.ts'),
    '--declaration',
    '--emitDeclarationOnly',
    '--target',
    'ESNext',
    '--module',
    'ESNext',
    '--moduleResolution',
    'bundler',
    '--types',
    'node',
    '--skipLibCheck',
    '--outDir',
    types,
  ],
  { stdout: 'inherit', stderr: 'inherit' },
);
if (tsc.exitCode !== 0) process.exit(1);
renameSync(join(types, 'index.d.ts'), join(DIST, 'testing.d.ts'));
rmSync(types, { recursive: true, force: true });
console.log(`built ${join(DIST, 'testing.js')} and testing.d.ts`);
