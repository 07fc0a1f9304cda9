/**
 * Results remembered per immutable object (a Distribution, a LocalDistribution) and a string
 * key, dropped with the object: for work a loop would otherwise redo on every op.
 */

/** The value for (`owner`, `key`) in `cache`, made by `make` the first time it is asked for. */
export function memoFor<O extends object, V>(
  cache: WeakMap<O, Map<string, V>>,
  owner: O,
  key: string,
  make: () => V,
): V {
  let byKey = cache.get(owner);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(owner, byKey);
  }
  let value = byKey.get(key);
  if (value === undefined) {
    value = make();
    byKey.set(key, value);
  }
  return value;
}
