// `taskmock/testing` used exactly as a project would (SPEC §10): `npm pack`, install the tarball
// into a fresh project with no network, and run a test file importing it under `bun test` and under
// Node's own runner. The consumer tests are tests/consumer/*, copied in under test file names, and
// the README's example test, taken from the README as printed.
// dist/taskmock is built first if missing (.ci/run builds it before the tests); the testing module
// is rebuilt every time, so it always matches the sources.
import { afterAll, expect, test } from 'bun:test';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';

const ROOT = join(import.meta.dir, '..');
const dir = tempDir();
afterAll(() => dir.cleanup());

async function run(command: string[], cwd: string): Promise<string> {
  const child = Bun.spawn(command, {
    cwd,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) throw new Error(`${command.join(' ')} exited ${code}:\n${stdout}\n${stderr}`);
  return stdout + stderr;
}

const hasNode = Bun.which('node') !== null && Bun.which('npm') !== null;

/** The README's ```ts block that imports `taskmock/testing`: a whole test file, as a user copies it. */
async function readmeExample(): Promise<string> {
  const readme = await Bun.file(join(ROOT, 'README.md')).text();
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const example = blocks.find((block) => block.includes("from 'taskmock/testing'"));
  if (!example) throw new Error('the README has no taskmock/testing example');
  return example;
}

test.skipIf(!hasNode)(
  'the packed package installs offline; its testing helper works under bun test and node --test, and the README example passes',
  async () => {
    if (!existsSync(join(ROOT, 'dist', 'taskmock'))) await run([process.execPath, 'run', 'scripts/build.ts'], ROOT);
    await run([process.execPath, 'run', 'scripts/build-testing.ts'], ROOT);
    // The scripts were just run; `prepack` would build the 110 MiB executable a second time.
    await run(['npm', 'pack', '--ignore-scripts', '--pack-destination', dir.path], ROOT);
    const tarball = readdirSync(dir.path).find((name) => name.endsWith('.tgz'))!;
    const project = join(dir.path, 'project');
    await run(['mkdir', '-p', project], dir.path);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // No network: everything the helper needs is in the tarball (it declares no runtime dependency).
    await run(['npm', 'install', '--offline', '--no-audit', '--no-fund', join(dir.path, tarball)], project);
    copyFileSync(join(import.meta.dir, 'consumer', 'bun-consumer.ts'), join(project, 'bun.test.ts'));
    copyFileSync(join(import.meta.dir, 'consumer', 'node-consumer.mjs'), join(project, 'node.test.mjs'));
    writeFileSync(join(project, 'readme.test.ts'), await readmeExample());

    expect(await run([process.execPath, 'test', './bun.test.ts'], project)).toContain('1 pass');
    expect(await run(['node', '--test', 'node.test.mjs'], project)).toContain('# pass 1');
    expect(await run([process.execPath, 'test', './readme.test.ts'], project)).toContain('1 pass');
  },
  180_000,
);
