// Type-level assertions. Equal tells two types apart exactly, but cannot
// catch `any` or the error type an unresolved declaration leaves behind:
// a conditional type over either passes. So page.ts and serviceWorker.ts
// also hold `@ts-expect-error` lines and unannotated callbacks, which stay
// errors (or become implicit-any errors) only while the types are real.
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

/** Compiles only when `T` is `true`: `assertType<Equal<A, B>>()`. */
export function assertType<T extends true>(): void {}
