import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/repoPaths';

// The folder layout says where code runs and who shares it (docs/how-it-works.md).
// This keeps it true: imports run down the layers, never back up, and never in a circle.

const SRC = join(repoRoot, 'src');

/** Lower numbers are shared by more; a runtime import may only go to a lower layer (or stay in its folder). */
const LAYER: Record<string, number> = {
  errors: 0,
  defaults: 0,
  version: 0,
  types: 1,
  protocol: 1,
  shared: 1,
  nifti: 2,
  metadata: 2,
  encryption: 2,
  derived: 3,
  storage: 3,
  engine: 4,
  'service-worker': 5,
  worker: 5,
  client: 5,
  ui: 5,
  index: 6,
};

/** The page bundle must not carry the engine or OPFS code: the page reaches them only by import(). */
const PAGE_FOLDERS = new Set(['client', 'ui', 'index']);
const NOT_ON_THE_PAGE = new Set(['engine', 'storage', 'worker', 'service-worker', 'nifti', 'encryption']);

interface Import {
  from: string;
  to: string;
  kind: 'runtime' | 'type' | 'dynamic';
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveSource(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Try the next form.
    }
  }
  throw new Error(`${relative(SRC, from)} imports ${specifier}, which is not a source file`);
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gm)) {
    found.push({ from: file, to: resolveSource(file, match[2]!), kind: match[1] ? 'type' : 'runtime' });
  }
  for (const match of text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)) found.push({ from: file, to: resolveSource(file, match[1]!), kind: 'dynamic' });
  return found;
}

/** `engine` for src/engine/x.ts, `types` for src/types.ts. */
function folderOf(file: string): string {
  const path = relative(SRC, file);
  return path.includes('/') ? path.split('/')[0]! : path.replace(/(\.node)?\.ts$/, '');
}

const imports = sourceFiles(SRC).flatMap(importsOf);
const name = (file: string): string => relative(SRC, file);

describe('the source layout', () => {
  it('puts every source file in a folder with a layer', () => {
    const unplaced = [...new Set(sourceFiles(SRC).map(folderOf))].filter((folder) => !(folder in LAYER));
    expect(unplaced).toEqual([]);
  });

  it('has runtime imports only down the layers', () => {
    const upward = imports
      .filter((edge) => edge.kind === 'runtime' && folderOf(edge.from) !== folderOf(edge.to))
      .filter((edge) => LAYER[folderOf(edge.to)]! >= LAYER[folderOf(edge.from)]!)
      .map((edge) => `${name(edge.from)} -> ${name(edge.to)}`);
    expect(upward).toEqual([]);
  });

  it('keeps the engine, OPFS and NIfTI code out of the page bundle: the page imports them only with import()', () => {
    const eager = imports
      .filter((edge) => edge.kind === 'runtime' && PAGE_FOLDERS.has(folderOf(edge.from)) && NOT_ON_THE_PAGE.has(folderOf(edge.to)))
      .map((edge) => `${name(edge.from)} -> ${name(edge.to)}`);
    expect(eager).toEqual([]);
  });

  it('has no import cycles, counting type imports', () => {
    const graph = new Map<string, string[]>();
    for (const edge of imports) if (edge.kind !== 'dynamic') graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].map(name).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
