import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Passwords are kept as scrypt hashes (node:crypto: memory-hard, no native module to install): `scrypt$N$r$p$salt$key`.
 * The cost is in the hash, so it can be raised later and old hashes still verify.
 */
const cost = { N: 2 ** 15, r: 8, p: 1 } as const
const keyLength = 32

const derive = (password: string, salt: Buffer, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) => (error ? reject(error) : resolve(key))))

export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16)
  const key = await derive(password, salt, cost)
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

const stored = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/

/** Whether the password is the one hashed; a hash this code did not make matches nothing. */
export const verifyPassword = async (password: string, hash: string): Promise<boolean> => {
  const parts = stored.exec(hash)
  if (!parts) return false
  const [, N, r, p, salt, key] = parts
  const expected = Buffer.from(key!, 'base64url')
  const actual = await derive(password, Buffer.from(salt!, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) })
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** A hash that no password matches, verified against when there is no account: a wrong address takes as long as a wrong password. */
export const decoyHash = hashPassword(randomBytes(16).toString('hex'))
