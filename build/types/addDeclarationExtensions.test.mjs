// node --test build/types/addDeclarationExtensions.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDeclarationExtensions, addExtensions } from './addDeclarationExtensions.mjs';

const toJs = (specifier) => `${specifier}.js`;

test('adds the extension wherever tsc writes a relative specifier', () => {
  const cases = [
    [`export { a } from './a';`, `export { a } from './a.js';`],
    [`import { type B } from "../b";`, `import { type B } from "../b.js";`],
    [`export * from './c';`, `export * from './c.js';`],
    [`export declare const d: () => import("./d").D;`, `export declare const d: () => import("./d.js").D;`],
    [`import './e';`, `import './e.js';`],
  ];
  for (const [input, expected] of cases) assert.equal(addExtensions(input, toJs), expected);
});

test('leaves package imports and specifiers that have an extension alone', () => {
  const text = [
    `import type { Remote } from 'comlink';`,
    `export { x } from './x.js';`,
    `export { y } from './y.ts';`,
    `import data from './data.json';`,
    `/** from a comment: no quote, no rewrite */`,
  ].join('\n');
  assert.equal(addExtensions(text, () => assert.fail('nothing to resolve')), text);
});

test('rewrites a dist folder: files and folders with an index, idempotently', () => {
  const dist = mkdtempSync(join(tmpdir(), 'add-declaration-extensions-'));
  try {
    mkdirSync(join(dist, 'client'));
    mkdirSync(join(dist, 'service-worker'));
    writeFileSync(join(dist, 'index.d.ts'), `export { a } from './client/a';\nexport * from './service-worker';\n`);
    writeFileSync(join(dist, 'client', 'a.d.ts'), `import type { T } from '../types';\nexport declare const a: T;\n`);
    writeFileSync(join(dist, 'service-worker', 'index.d.ts'), `export {};\n`);
    writeFileSync(join(dist, 'types.d.ts'), `export type T = 1;\n`);

    assert.equal(addDeclarationExtensions(dist), 2);
    assert.equal(readFileSync(join(dist, 'index.d.ts'), 'utf8'),
      `export { a } from './client/a.js';\nexport * from './service-worker/index.js';\n`);
    assert.equal(readFileSync(join(dist, 'client', 'a.d.ts'), 'utf8'),
      `import type { T } from '../types.js';\nexport declare const a: T;\n`);
    assert.equal(addDeclarationExtensions(dist), 0);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});

test('fails the build on a specifier with no emitted declaration', () => {
  const dist = mkdtempSync(join(tmpdir(), 'add-declaration-extensions-'));
  try {
    writeFileSync(join(dist, 'index.d.ts'), `export { gone } from './gone';\n`);
    assert.throws(() => addDeclarationExtensions(dist), /no declaration for '\.\/gone'/);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
