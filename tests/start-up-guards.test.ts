// Guards for what made the compiled binary slow to answer its first request (docs/performance.md):
// each of these cost milliseconds of every start, and nothing else would notice their return.
import { expect, test } from 'bun:test';
import { Glob } from 'bun';
import { join } from 'node:path';

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
