/**
 * The public surface of `@twitchify/core` is what users need (the Client, its options, events and resources, auth,
 * errors, `HelixClient`): Helix internals live on `@twitchify/core/helix`. Counted from the entry point's declared
 * exports, types included, from the build's declarations.
 */
import ts from 'typescript';
import { expect, it } from 'vitest';

/** The names each entry point declares, read from the build's declarations (`npm test` builds first). */
function exportsOf(...entries: string[]): string[][] {
  const files = entries.map((e) => new URL(`../dist/${e}`, import.meta.url).pathname);
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    noResolve: false,
    types: [],
  });
  const checker = program.getTypeChecker();
  return files.map((file) =>
    checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map((s) => s.getName()),
  );
}

it('@twitchify/core exports far fewer names than the 479 it did, and no Helix internals', () => {
  const [names, helix] = exportsOf('index.d.ts', 'helix.d.ts') as [string[], string[]];
  expect(names.length).toBeLessThan(150);
  for (const internal of ['HelixRequester', 'Batcher', 'composeMiddleware', 'RateLimitBucket', 'authMiddleware']) {
    expect(names).not.toContain(internal);
  }
  for (const needed of [
    'Client',
    'ClientOptions',
    'ChatResource',
    'UsersResource',
    'AuthError',
    'HelixClient',
    'User',
  ]) {
    expect(names).toContain(needed);
  }
  expect(helix).toEqual(expect.arrayContaining(['HelixRequester', 'Batcher', 'composeMiddleware', 'RateLimitBucket']));
}, 120_000);
