/** An AES-GCM CryptoKey that may both encrypt and decrypt: the only key a partition can be encrypted with. */
export function isUsableKey(key: unknown): key is CryptoKey {
  return (
    typeof CryptoKey !== 'undefined' &&
    key instanceof CryptoKey &&
    key.algorithm.name === 'AES-GCM' &&
    key.usages.includes('encrypt') &&
    key.usages.includes('decrypt')
  );
}
