import { parseAst } from 'vite';

interface AstNode {
  type: string;
  [key: string]: unknown;
}

/**
 * The bare specifiers (`comlink`, `workbox-core/_private`: not relative,
 * root-absolute or a URL) an ES module imports, statically or with a
 * literal import().
 */
export function bareImportsOf(code: string): string[] {
  const specifiers = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const { type, source } = node as AstNode;
    const isModuleSource = type === 'ImportDeclaration' || type === 'ExportNamedDeclaration' || type === 'ExportAllDeclaration' || type === 'ImportExpression';
    if (isModuleSource && source && typeof source === 'object' && (source as AstNode).type === 'Literal') {
      const value = (source as AstNode).value;
      if (typeof value === 'string' && isBare(value)) specifiers.add(value);
    }
    for (const child of Object.values(node)) if (child && typeof child === 'object') visit(child);
  };
  visit(parseAst(code));
  return [...specifiers];
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function isBare(specifier: string): boolean {
  return !/^(\.{0,2}\/|[a-z][a-z\d+.-]*:)/i.test(specifier);
}
