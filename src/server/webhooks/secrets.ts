import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Equal secrets, in time that does not depend on where they differ. Both sides are hashed first,
 * so neither the length of the configured secret nor a length mismatch shows in the timing
 * (`timingSafeEqual` itself throws on unequal lengths).
 */
export function secretsEqual(received: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}
