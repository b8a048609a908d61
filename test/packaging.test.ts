/**
 * Installs everywhere: every package is packed as npm would publish it, checked by publint and
 * arethetypeswrong, installed (all tarballs in one install, without the optional peers ioredis and
 * `@opentelemetry/api`) into an empty project, type-checked there by `tsc` with `skipLibCheck: false`, and loaded
 * with `require()` and with `import`. The emulator's bin is a committed shim, so npm links it on a fresh clone before
 * anything is built. Expects the packages built (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const PACKAGES = ['cache', 'eventsub', 'mock', 'core'] as const;
/** The repository every package.json names, one spelling everywhere. */
const REPOSITORY = 'https://github.com/twitchify/twitchify';
/** Optional peers: a user who has not installed them must still type-check and load the packages. */
const OPTIONAL_PEERS = ['ioredis', '@opentelemetry/api'];

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

let dir: string;
let packed: Packed[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twitchify-pack-'));
  // The packages are built: skip `prepack` (its build would find nothing to do).
  const { stdout } = await run(
    'npm',
    ['pack', '--workspaces', '--ignore-scripts', '--json', '--pack-destination', dir],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  );
  packed = JSON.parse(stdout) as Packed[];
  const app = join(dir, 'app');
  await run('mkdir', ['-p', app]);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }));
  // A Node user's project has Node's types; the lockfile's version is in npm's cache after `npm ci`.
  const typesNode = JSON.parse(await readFile(join(root, 'node_modules/@types/node/package.json'), 'utf8')).version;
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-package-lock',
      ...packed.map((p) => join(dir, p.filename)),
      `@types/node@${typesNode}`,
    ],
    { cwd: app },
  );
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('each tarball holds its build, its LICENSE and its metadata, and no build info', () => {
  expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((p) => `@twitchify/${p}`).sort());
  for (const p of packed) {
    const paths = p.files.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('LICENSE');
    expect(paths.filter((f) => f.includes('tsbuildinfo'))).toEqual([]);
  }
});

it('each package.json is ready to publish: engines, prepack build, public access, repository, ioredis optional', async () => {
  for (const name of PACKAGES) {
    const pkg = JSON.parse(await readFile(join(root, 'packages', name, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe('>=20.19');
    expect(pkg.scripts.prepack).toMatch(/tsc -b/);
    expect(pkg.publishConfig.access).toBe('public');
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${name}` });
    expect(pkg.homepage).toBe(`${REPOSITORY}/tree/main/packages/${name}#readme`);
    expect(pkg.bugs.url).toBe(`${REPOSITORY}/issues`);
    expect(pkg.dependencies?.ioredis).toBeUndefined();
  }
  const monorepo = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  expect(monorepo.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
  expect(monorepo.homepage).toBe(`${REPOSITORY}#readme`);
  expect(monorepo.bugs.url).toBe(`${REPOSITORY}/issues`);
  const cache = JSON.parse(await readFile(join(root, 'packages/cache/package.json'), 'utf8'));
  expect(cache.peerDependenciesMeta.ioredis.optional).toBe(true);
});

it('publint finds nothing and arethetypeswrong finds nothing but require(esm), which Node 20.19+ does', async () => {
  for (const p of packed) {
    const tarball = new Uint8Array(await readFile(join(dir, p.filename)));
    const lint = await publint({ pack: { tarball: tarball.buffer as ArrayBuffer }, level: 'suggestion', strict: true });
    expect(lint.messages, `${p.name}: publint`).toEqual([]);
    const result = await checkPackage(createPackageFromTarballData(tarball));
    // As attw's `node16` profile: every package needs Node >= 20.19 (`engines`), so TypeScript's legacy `node10`
    // resolution (which ignores `exports`, and so subpaths like `@twitchify/core/helix`) is out of scope. And
    // `CJSResolvesToESM` (`require()` resolves to the ESM build) is what Node >= 20.19 does unflagged
    // (require(esm)); TypeScript >= 5.8 types it (`module: node20`/`nodenext`).
    const problems =
      'problems' in result
        ? result.problems.filter(
            (x) => x.kind !== 'CJSResolvesToESM' && !('resolutionKind' in x && x.resolutionKind === 'node10'),
          )
        : [];
    expect(problems, `${p.name}: arethetypeswrong`).toEqual([]);
  }
}, 120_000);

it('a fresh project loads every package with require() and with import, without ioredis installed', async () => {
  const app = join(dir, 'app');
  const check = `
    for (const name of ${JSON.stringify(PACKAGES.map((p) => `@twitchify/${p}`))}) {
      const m = LOAD(name);
      if (Object.keys(m).length < 3) throw new Error(name + ' exports almost nothing');
    }
    const { Client } = LOAD('@twitchify/core');
    new Client({ clientId: 'x' });
    const { createCache } = LOAD('@twitchify/cache');
    let missing;
    try { createCache({ redis: { url: 'redis://127.0.0.1:1' } }); } catch (e) { missing = e; }
    if (!missing || !/npm install ioredis/.test(missing.message)) throw new Error('no clear message without ioredis: ' + missing);
    console.log('ok');
  `;
  await writeFile(join(app, 'check.cjs'), check.replaceAll('LOAD(', 'require('));
  await writeFile(join(app, 'check.mjs'), check.replaceAll('LOAD(', 'await import('));
  for (const file of ['check.cjs', 'check.mjs']) {
    const { stdout } = await run(process.execPath, [file], { cwd: app });
    expect(stdout.trim(), file).toBe('ok');
  }
  const help = await run(join(app, 'node_modules/.bin/twitchify-mock'), ['--help'], { cwd: app });
  expect(help.stdout).toMatch(/twitchify-mock/);
}, 60_000);

it('no declaration file of a tarball refers to an optional peer', async () => {
  const peer = new RegExp(`(from |import\\()['"](${OPTIONAL_PEERS.join('|')})['"/]`);
  for (const p of packed) {
    const folder = join(dir, 'app/node_modules', p.name);
    for (const { path } of p.files.filter((f) => f.path.endsWith('.d.ts'))) {
      const text = await readFile(join(folder, path), 'utf8');
      expect(text.match(peer)?.[0], `${p.name}/${path}`).toBeUndefined();
    }
  }
});

it('a TypeScript project type-checks against the packed core, cache and mock, without ioredis or @opentelemetry/api', async () => {
  const app = join(dir, 'app');
  for (const peer of OPTIONAL_PEERS) {
    const present = await readFile(join(app, 'node_modules', peer, 'package.json')).then(
      () => true,
      () => false,
    );
    expect(present, `${peer} must not be installed in the test project`).toBe(false);
  }
  await writeFile(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['typed.mts'],
    }),
  );
  await writeFile(
    join(app, 'typed.mts'),
    [
      "import { Client, type ClientOptions } from '@twitchify/core';",
      "import { createCache, type RedisClientLike, type RedisTierOptions } from '@twitchify/cache';",
      "const options: ClientOptions = { clientId: 'x', cache: { redis: { url: 'redis://127.0.0.1:6379' } } };",
      "import { startMock } from '@twitchify/mock';",
      'const client = new Client(options);',
      'const cache = createCache({});',
      'declare const redis: RedisClientLike;',
      'const tier: RedisTierOptions = { client: redis };',
      'export { cache, client, startMock, tier };',
    ].join('\n'),
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).catch(
    (e: { stdout: string; stderr: string }) => e,
  );
  expect(`${checked.stdout}${checked.stderr}`.trim()).toBe('');
}, 120_000);

it('the emulator bin is committed and says how to build when dist is missing', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'packages/mock/package.json'), 'utf8'));
  const bin = pkg.bin['twitchify-mock'];
  const { stdout } = await run('git', ['ls-files', '--error-unmatch', bin], { cwd: join(root, 'packages/mock') });
  expect(stdout.trim()).toBe(bin.replace('./', ''));
  const bare = join(dir, 'bare');
  await run('mkdir', ['-p', join(bare, 'bin')]);
  await writeFile(join(bare, 'package.json'), '{"type":"module"}');
  await writeFile(join(bare, 'bin/cli.js'), await readFile(join(root, 'packages/mock', bin)));
  const unbuilt = await run(process.execPath, [join(bare, 'bin/cli.js'), '--help']).catch((e) => e);
  expect(unbuilt.code).toBe(1);
  expect(unbuilt.stderr).toMatch(/npm run build/);
});
