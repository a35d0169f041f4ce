// Guards for what made the compiled binary slow to answer its first request (docs/performance.md):
// each of these cost milliseconds of every start, and nothing else would notice their return.
import { expect, test } from 'bun:test';
import { Glob } from 'bun';
import { dirname, join } from 'node:path';

const SRC = join(import.meta.dir, '..', 'src');

async function sources(): Promise<{ path: string; text: string }[]> {
  const files: { path: string; text: string }[] = [];
  for await (const path of new Glob('**/*.ts').scan(SRC)) files.push({ path, text: await Bun.file(join(SRC, path)).text() });
  return files;
}

test("schemas use TypeBox's Integer, not Elysia's t.Integer (which compiles a validator at every call)", async () => {
  const offenders = (await sources()).filter(({ text }) => /\bt\.(Integer|Numeric)\(/.test(text)).map(({ path }) => path);
  expect(offenders).toEqual([]);
});

test('nothing on the start path touches process.stdout or process.stderr (Node streams cost 10 ms to build)', async () => {
  const offenders = (await sources())
    .filter(({ text }) =>
      /process\.(stdout|stderr)\.write\(/.test(text.replace(/\(fd === 1 \? process\.stdout : process\.stderr\)\.write/g, '')),
    )
    .map(({ path }) => path);
  expect(offenders).toEqual([]);
});

/** The modules `entry` loads at once (static, non-type imports), as a chain for each one that reaches `heavy`. */
async function eagerChainsTo(entry: string, heavy: RegExp): Promise<string[]> {
  const transpiler = new Bun.Transpiler({ loader: 'ts' });
  const parentOf = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const chains: string[] = [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const source = (await Bun.file(file).text()).replace(/^#!.*\n/, '');
    for (const { path, kind } of transpiler.scanImports(source)) {
      if (kind !== 'import-statement') continue;
      if (heavy.test(path)) {
        const chain = [path];
        for (let at: string | null = file; at; at = parentOf.get(at) ?? null) chain.unshift(at.slice(SRC.length + 1));
        chains.push(chain.join(' → '));
      } else if (path.startsWith('.') && /\.ts$/.test(path)) {
        const target = join(dirname(file), path);
        if (!parentOf.has(target)) {
          parentOf.set(target, file);
          queue.push(target);
        }
      }
    }
  }
  return chains;
}

test('the start path loads no Elysia, TypeBox or docs: they are required when the app is first made', async () => {
  expect(await eagerChainsTo(join(SRC, 'main.ts'), /^(elysia|@elysiajs\/|@sinclair\/typebox|swagger-ui-dist|uplot)/)).toEqual([]);
});
