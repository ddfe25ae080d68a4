import { createHash } from 'node:crypto'

/**
 * An entry's public id: SHA-256 of its order id (lower case). The order id itself stays private: it opens the order's
 * page, which shows the e-mail address, and it is in every ticket's QR code. Its owner can recognise the hash.
 */
export const entryIdOf = (orderId: string): string => createHash('sha256').update(orderId.toLowerCase(), 'utf8').digest('hex')
