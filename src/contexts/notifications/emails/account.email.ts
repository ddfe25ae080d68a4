import type { DataOf } from '../../../messaging/message.ts'
import type { SendAccountEmail } from '../messages.ts'
import type { Email } from '../email.ts'
import { renderHtml } from './render.ts'

type Request = DataOf<typeof SendAccountEmail>

const words: Record<Request['kind'], { subject: string; lead: string; button: string; lasts: string; notYou: string }> = {
  verification: {
    subject: 'Confirm your e-mail address for Popcorn',
    lead: 'Welcome to Popcorn. Please confirm that this address is yours, so that you can log in:',
    button: 'Confirm my address',
    lasts: 'The link works once, for 24 hours.',
    notYou: 'If you did not make an account with us, ignore this e-mail: without the confirmation, nobody can log in with it.',
  },
  'password-reset': {
    subject: 'Choose a new password for Popcorn',
    lead: 'Someone (we hope you) asked to choose a new password for your Popcorn account:',
    button: 'Choose a new password',
    lasts: 'The link works once, for an hour. Choosing a new password logs you out everywhere.',
    notYou: 'If it was not you, ignore this e-mail: your password stays as it is.',
  },
  'vip-confirmed': {
    subject: 'Welcome, Popcorn VIP: your payment went through',
    lead: 'Your first VIP payment went through: your membership is confirmed.',
    button: 'See your membership',
    lasts: 'Thank you for being a VIP.',
    notYou: 'If you did not take VIP, reply to this e-mail and we will sort it out.',
  },
  'vip-revoked': {
    subject: 'Your Popcorn VIP membership is off: the payment did not go through',
    lead: 'We could not take the first payment for your VIP membership, so VIP is off again. Nothing was charged.',
    button: 'Try again',
    lasts: 'The VIP mark is gone from all your reviews; the reviews themselves stay.',
    notYou: 'If you did not take VIP, you need not do anything.',
  },
}

/** The e-mail with a person's one link for their account: confirm the address, or choose a new password. */
export const accountEmail = (request: Request): Email => {
  const w = words[request.kind]
  const text = ['Hello,', '', w.lead, '', request.link, '', w.lasts, w.notYou, ''].join('\n')
  return {
    kind: request.kind, to: request.to, subject: w.subject, text,
    html: renderHtml('account', { ...w, to: request.to, link: request.link }),
  }
}
