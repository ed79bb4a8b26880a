/**
 * Type-test helpers shared by the consumer type tests (ambient, so `.mts` and `.cts` files both see them).
 * `Equal<A, B>` is exact (not mere assignability); `expectTrue` only compiles for `true`.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function expectTrue<T extends true>(): void;
declare function expectAssignable<T>(value: T): void;
