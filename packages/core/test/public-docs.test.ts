/**
 * Everything `@twitchify/core` exports from its index is documented: TypeDoc, with `notDocumented` on, finds no
 * class, member, interface field, function or type of the index without TSDoc (what an editor shows on hover).
 * The generated Helix types are out of this check: their fields are Twitch's, named after the wire fields, and the
 * spec they are generated from carries no prose. The full API reference (`npm run docs`) is checked in `npm test`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../..', import.meta.url).pathname;

it('TypeDoc finds nothing undocumented on the index of @twitchify/core', async () => {
  const typedoc = `${root}node_modules/typedoc/bin/typedoc`;
  const out = await run(process.execPath, [typedoc, '--options', 'typedoc.public.json'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((e: { stdout: string; stderr: string }) => e);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: TypeDoc colours its output
  const lines = `${out.stdout}${out.stderr}`.replace(/\u001b\[\d+m/g, '').split('\n');
  const undocumented = lines
    .filter((l) => l.includes('does not have any documentation') && !l.includes('/src/generated/'))
    .map((l) => l.replace(/^\[warning\] /, '').replace(/ \(\w+\), defined in .*$/, ''));
  expect(undocumented).toEqual([]);
  const other = lines.filter(
    (l) =>
      /^\[(warning|error)\]/.test(l) && !l.includes('does not have any documentation') && !/^\[\w+\] Found /.test(l),
  );
  expect(other).toEqual([]);
}, 120_000);
