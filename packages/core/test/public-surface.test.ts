/**
 * The public surface of `@twitchify/core` is what users need (the Client, its options, events and resources, auth,
 * errors, `HelixClient`): Helix internals live on `@twitchify/core/helix`. Counted from the entry point's declared
 * exports, types included.
 */
import ts from 'typescript';
import { expect, it } from 'vitest';

function exportsOf(entry: string): string[] {
  const file = new URL(`../src/${entry}`, import.meta.url).pathname;
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

it('@twitchify/core exports far fewer names than the 479 it did, and no Helix internals', () => {
  const names = exportsOf('index.ts');
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
  const helix = exportsOf('helix.ts');
  expect(helix).toEqual(expect.arrayContaining(['HelixRequester', 'Batcher', 'composeMiddleware', 'RateLimitBucket']));
});
