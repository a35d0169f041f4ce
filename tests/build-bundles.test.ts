// The executable's two bundles (scripts/build.ts): the server's own code, which a start loads and
// decodes in full, holds none of Elysia, its Swagger plugin or TypeBox; those are in the second
// bundle, once, and the server reaches them through a require made when the Elysia app is made.
import { expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUILD_INPUT } from '../scripts/build.ts';
import { tempDir } from './helpers.ts';

/** Code that exists only inside each library (a request-id header name, TypeBox's kind symbol). */
const ELYSIA_CODE = 'ELYSIA_REQUEST_ID';
const TYPEBOX_CODE = 'TypeBox.Kind';

function bundlesIn(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js'));
  return new Map(files.map((name) => [relative(dir, join(dir, name)), readFileSync(join(dir, name), 'utf8')]));
}

test('the start bundle holds no Elysia or TypeBox; the library bundle holds each once', async () => {
  const dir = tempDir();
  try {
    const result = await Bun.build({
      ...BUILD_INPUT,
      outdir: dir.path,
      target: 'bun',
      format: 'esm',
      minify: true,
      throw: false,
    });
    expect(result.logs.map(String)).toEqual([]);
    const bundles = bundlesIn(dir.path);
    const main = bundles.get('main.js')!;
    const libraries = bundles.get(join('http', 'elysia-vendor.js'))!;
    // (Booleans, not the bundles themselves: a failure would print a megabyte of minified code.)
    expect(main.includes('"elysia-vendor.ts"')).toBe(true);
    for (const code of [ELYSIA_CODE, TYPEBOX_CODE]) {
      expect({ code, inStartBundle: main.includes(code), inLibraryBundle: libraries.includes(code) }).toEqual({
        code,
        inStartBundle: false,
        inLibraryBundle: true,
      });
    }
    // One copy of Elysia: the Swagger plugin uses the Elysia beside it, not a second one. (Elysia
    // reads the ELYSIA_AOT environment variable in one place.)
    expect(libraries.split('ELYSIA_AOT').length - 1).toBe(1);
  } finally {
    dir.cleanup();
  }
}, 60_000);
