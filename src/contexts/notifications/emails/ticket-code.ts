/**
 * What a ticket's QR code holds: the order and the ticket's number in it. The order id is a random uuid, so a
 * code cannot be guessed, and the door checks it against the order, which says how many tickets it has.
 */
export const ticketCode = (orderId: string, n: number): string => `POPCORN:${orderId}:${n}`

const pattern = /^POPCORN:([0-9a-f-]{36}):([1-9][0-9]*)$/

export const readTicketCode = (code: string): { orderId: string; n: number } | undefined => {
  const match = pattern.exec(code)
  return match ? { orderId: match[1]!, n: Number(match[2]) } : undefined
}
