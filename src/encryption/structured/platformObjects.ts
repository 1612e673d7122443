// Platform classes looked up by name on globalThis, so that a class this
// runtime lacks (Float16Array in older browsers and in Node 20) is simply
// not matched instead of being a ReferenceError.

export function globalConstructor(name: string): (new (...args: never[]) => unknown) | undefined {
  const found = (globalThis as Record<string, unknown>)[name];
  return typeof found === 'function' ? (found as new (...args: never[]) => unknown) : undefined;
}

export function isInstance(value: object, name: string): boolean {
  const constructor = globalConstructor(name);
  return constructor !== undefined && value instanceof constructor;
}

/** "Foo" of [object Foo]: a typed array's type even for a subclass, and a platform object's interface. */
export function brand(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}
