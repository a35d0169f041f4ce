// Compiles taskmock into one self-contained executable.
//   bun run build            -> dist/taskmock for this machine, checked by running it
//   bun run build:release    -> dist/taskmock-<os>-<arch>[.exe] for every release target + SHA256SUMS
//
// Options (Bun.build's equivalents of the CLI flags), decided by measurement (see docs/shipping.md):
//   --minify                 smaller bundle, no behaviour change.
//   --bytecode --format=esm  about half the start-up time. It needs ESM (main.ts uses top-level
//                            await; the default CJS bytecode build fails) and has been known to fail
//                            while exiting 0, so every build is run once (`--version`) before it counts.
//                            Only the host target can be run, so cross targets are built without it.
//   no --sourcemap           it writes a .map file beside the binary and doubles start-up time.
//   --no-compile-autoload-dotenv / --no-compile-autoload-bunfig
//                            configuration comes only from flags and the environment: a stray .env or
//                            bunfig.toml in the working directory must not change a shipped server.
//   build plugins            replace @scalar/themes with an empty module (see stubScalarThemes) and
//                            keep Elysia, its Swagger plugin and TypeBox in a second entry point
//                            (see librariesLoadedLater), which is why this uses Bun.build rather
//                            than the `bun build` CLI.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };

const ROOT = join(import.meta.dir, '..');
const DIST = join(ROOT, 'dist');
const ENTRY = join(ROOT, 'src', 'main.ts');
const LIBRARIES_ENTRY = join(ROOT, 'src', 'http', 'elysia-vendor.ts');

/**
 * @elysiajs/swagger imports @scalar/themes (megabytes of CSS and its schema library) for its Scalar
 * page, which taskmock never serves (docs.ts serves its own Swagger UI page). Evaluating it cost
 * about 6 ms of every start, so the executable gets an empty stand-in.
 */
const stubScalarThemes: Bun.BunPlugin = {
  name: 'taskmock-stub-scalar-themes',
  setup(build) {
    build.onResolve({ filter: /^@scalar\/themes$/ }, () => ({ path: 'scalar-themes', namespace: 'taskmock-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'taskmock-stub' }, () => ({
      contents: 'export const elysiajsTheme = "";',
      loader: 'js',
    }));
  },
};

/** Each library the second entry point holds, and the name it re-exports it under. */
const LATER_LIBRARIES: Record<string, string> = {
  elysia: 'elysia',
  '@elysiajs/swagger': 'swagger',
  '@sinclair/typebox': 'typebox',
};

/**
 * A compiled start decodes the whole main bundle before its first line runs: with Elysia, Swagger
 * and TypeBox in it, 4 ms more of every start than without, although the start path requires none
 * of them (docs/performance.md, "Start-up"). So `src/http/elysia-vendor.ts` is an entry point of
 * its own, and every import of those libraries from taskmock's modules becomes a `require` of that
 * bundle when the import is first evaluated (when the Elysia app is made). The specifier is built
 * at run time so that the bundler leaves it to Bun's loader, which finds the entry point inside the
 * executable. The libraries import each other directly, so the executable holds one copy of each.
 */
const librariesLoadedLater: Bun.BunPlugin = {
  name: 'taskmock-libraries-loaded-later',
  setup(build) {
    const ours = join(ROOT, 'src');
    const names = Object.keys(LATER_LIBRARIES).map((name) => name.replace(/[/.]/g, '\\$&'));
    // The entry point's path inside the executable, as Bun's loader resolves it from the start bundle.
    const segments = JSON.stringify(['.', ...relative(ours, LIBRARIES_ENTRY).split(sep)]);
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) =>
      args.importer.startsWith(ours) && args.importer !== LIBRARIES_ENTRY
        ? { path: args.path, namespace: 'taskmock-later' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'taskmock-later' }, (args) => ({
      contents: `module.exports = require(${segments}.join('/'))[${JSON.stringify(LATER_LIBRARIES[args.path])}];`,
      loader: 'js',
    }));
  },
};

/** The bundles of the executable: the server, and the libraries it requires later. */
export const BUILD_INPUT = { entrypoints: [ENTRY, LIBRARIES_ENTRY], plugins: [stubScalarThemes, librariesLoadedLater] };

export const RELEASE_TARGETS = [
  { target: 'bun-linux-x64', name: 'taskmock-linux-x64' },
  { target: 'bun-linux-arm64', name: 'taskmock-linux-arm64' },
  { target: 'bun-darwin-arm64', name: 'taskmock-darwin-arm64' },
  { target: 'bun-darwin-x64', name: 'taskmock-darwin-x64' },
  { target: 'bun-windows-x64', name: 'taskmock-windows-x64.exe' },
] as const;

class BuildError extends Error {
  override readonly name = 'BuildError';
}

const HOST_TARGET =
  `bun-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}` as Bun.Build.CompileTarget;

async function compile(outfile: string, target?: Bun.Build.CompileTarget): Promise<void> {
  const canRun = target === undefined || target === HOST_TARGET;
  let result: Bun.BuildOutput;
  try {
    result = await Bun.build({
      entrypoints: BUILD_INPUT.entrypoints,
      compile: { outfile, ...(target && { target }), autoloadDotenv: false, autoloadBunfig: false },
      minify: true,
      ...(canRun && { bytecode: true, format: 'esm' as const }),
      plugins: BUILD_INPUT.plugins,
      throw: false,
    });
  } catch (error) {
    result = { success: false, outputs: [], logs: [error as BuildMessage] } as unknown as Bun.BuildOutput;
  }
  if (!result.success) {
    const output = result.logs.map(String).join('\n');
    const network = /download|fetch|connect|network|ENOTFOUND|ECONNREFUSED|timed? ?out|HTTP/i.test(output);
    throw new BuildError(
      `bun build failed for ${target ?? 'this machine'}` +
        (network && target
          ? `: cross-compiling downloads the Bun runtime for ${target} from the npm registry (package @oven/bun-*) ` +
            'into ~/.bun/install/cache; this machine could not fetch it. The local build (`bun run build`) needs no network.'
          : '') +
        `\n${output}`,
    );
  }
  if (canRun) await checkRuns(outfile);
}

/** A build that exits 0 can still be broken (a bytecode failure): run it before trusting it. */
async function checkRuns(outfile: string): Promise<void> {
  const child = Bun.spawn([outfile, '--version'], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe', env: { PATH: '/usr/bin:/bin' } });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0 || stdout.trim() !== packageJson.version) {
    throw new BuildError(`${outfile} does not run: \`--version\` exited ${code} printing "${stdout.trim()}" ${stderr.trim()}`);
  }
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function buildLocal(): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  const outfile = join(DIST, process.platform === 'win32' ? 'taskmock.exe' : 'taskmock');
  const started = performance.now();
  await compile(outfile);
  const megabytes = (Bun.file(outfile).size / 1024 / 1024).toFixed(1);
  console.log(`built ${outfile} (${megabytes} MiB, ${Math.round(performance.now() - started)} ms), checked with --version`);
}

async function buildRelease(): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  const sums: string[] = [];
  for (const { target, name } of RELEASE_TARGETS) {
    const outfile = join(DIST, name);
    rmSync(outfile, { force: true });
    await compile(outfile, target);
    sums.push(`${sha256(outfile)}  ${basename(outfile)}`);
    console.log(`built ${outfile} (${target})`);
  }
  writeFileSync(join(DIST, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  console.log(`wrote ${join(DIST, 'SHA256SUMS')}`);
}

if (import.meta.main) {
  try {
    if (process.argv.includes('--release')) await buildRelease();
    else await buildLocal();
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    console.error(`build: ${error.message}`);
    process.exit(1);
  }
}
