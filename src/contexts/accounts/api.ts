import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { clientAddress } from '../../web/client-address.ts'
import { HttpError, parse } from '../../web/errors.ts'
import type { AccountRefusal } from './account.decider.ts'
import {
  type AccountDeps, changeProfile, logIn, type LoginRefusal, minutesUntilLogin, register, resetLinkProblem, resetPassword, sendLinkAgain, verifyEmail,
} from './account-service.ts'
import { tokenPattern } from './links.ts'
import { endedLoginCookie, openLogins, revokeEveryLogin, revokeLogin } from './logins.ts'
import { ownProfile } from './profile.ts'

const email = z.email('an e-mail address, like ada@example.com').max(200, 'at most 200 characters')
const newPassword = z.string().min(10, 'at least 10 characters').max(200, 'at most 200 characters')
const registerForm = z.object({ email, password: newPassword })
const loginForm = z.object({ email, password: z.string().min(1, 'your password').max(200) })
const emailForm = z.object({ email })
const resetForm = z.object({ password: newPassword })
const displayName = z.string().trim().min(1, 'a name, at least one character').max(60, 'at most 60 characters')
  .regex(/^[^\p{Cc}]*$/u, 'letters, digits, spaces and punctuation only')
const profileForm = z.object({ displayName })
const tokenParams = z.object({ token: z.string().regex(tokenPattern, 'a link from one of our e-mails') })

/** What a refusal says to the person, and the status it answers with. */
const refusalWords: Record<AccountRefusal | LoginRefusal, { status: number; text: string }> = {
  'already-registered': { status: 409, text: 'There is already an account with this address. Log in, or choose a new password if you forgot it.' },
  'no-account': { status: 404, text: 'There is no account with this address.' },
  'already-verified': { status: 409, text: 'This address is confirmed already: you can log in.' },
  'link-unknown': { status: 404, text: 'This link is not one of ours, or it was copied incompletely. Ask for a new one below.' },
  'link-used': { status: 410, text: 'This link has been used already; each link works once. Ask for a new one if you need it.' },
  'link-expired': { status: 410, text: 'This link has expired. Ask for a new one below.' },
  'link-superseded': { status: 410, text: 'A newer link was sent since this one; use the newest e-mail, or ask for another link.' },
  'wrong-credentials': { status: 401, text: 'That e-mail address and password do not match an account.' },
  'not-verified': { status: 403, text: 'Please confirm your e-mail address first: follow the link we sent you. No e-mail? Ask for a new link below.' },
  throttled: { status: 429, text: 'Too many attempts to log in just now.' },
}

/** A form's fields' problems as one sentence, by the field's label. */
export const problemOf = (error: unknown, labels: Record<string, string>): string => {
  if (!(error instanceof HttpError) || error.code !== 'BAD_REQUEST' || !Array.isArray(error.details)) throw error
  return (error.details as { path: string; message: string }[]).map((d) => `${labels[d.path] ?? 'The form'}: ${d.message}.`).join(' ')
}

const emailField = (value?: string) => ({ name: 'email', label: 'E-mail', type: 'email', autocomplete: 'email', ...(value && { value }) })
const passwordField = (autocomplete: 'current-password' | 'new-password', label = 'Password') =>
  ({ name: 'password', label, type: 'password', autocomplete, ...(autocomplete === 'new-password' && { hint: 'At least 10 characters.' }) })

/** Accounts' pages: register, confirm the address, log in and out, choose a new password, the account itself. */
export const accountsWeb = (deps: AccountDeps, trustProxy: string | undefined) => async (app: FastifyInstance) => {
  const form = (reply: FastifyReply, status: number, page: Record<string, unknown>) => reply.status(status).view('contexts/accounts/views/form.eta', page)
  const notice = (reply: FastifyReply, status: number, page: Record<string, unknown>) => reply.status(status).view('contexts/accounts/views/notice.eta', page)

  const registerPage = { title: 'Create an account', heading: 'Create an account', action: '/account/register', button: 'Create my account',
    lead: 'With an account, your orders are kept together and you can follow them from any browser.', links: [['/account/login', 'I have an account']] }
  app.get('/account/register', async (_, reply) => form(reply, 200, { ...registerPage, fields: [emailField(), passwordField('new-password')] }))
  app.post('/account/register', async (request, reply) => {
    const raw = (request.body ?? {}) as Record<string, unknown>
    const typed = typeof raw.email === 'string' ? raw.email.slice(0, 200) : undefined
    let input
    try {
      input = parse(registerForm, request.body, 'registration')
    } catch (error) {
      return form(reply, 400, { ...registerPage, fields: [emailField(typed), passwordField('new-password')], problem: problemOf(error, { email: 'E-mail', password: 'Password' }) })
    }
    const outcome = await register(deps, input)
    if (!outcome.ok) {
      const words = refusalWords[outcome.refused]
      return form(reply, words.status, { ...registerPage, fields: [emailField(input.email), passwordField('new-password')], problem: words.text,
        links: [['/account/login', 'Log in'], ['/account/forgot', 'Choose a new password']] })
    }
    return notice(reply, 201, { title: 'Check your e-mail', heading: 'Check your e-mail', outcome: 'registered', paragraphs: [
      `We sent a link to ${input.email}. Follow it to confirm the address; then you can log in.`,
      'The link works for 24 hours. Nothing arrived? Check your spam folder, or ask for a new link from the login page.'] })
  })

  const verifyAgain = { title: 'A new confirmation link', heading: 'Ask for a new confirmation link', action: '/account/verify', button: 'Send me a new link', fields: [emailField()] }
  app.get('/account/verify/:token', async (request, reply) => {
    const { token } = parse(tokenParams, request.params, 'link')
    // A page with a button, not the confirmation itself: a mail scanner that opens links confirms nothing.
    return form(reply, 200, { title: 'Confirm your address', heading: 'Confirm your e-mail address', action: `/account/verify/${token}`, button: 'Confirm my address', fields: [] })
  })
  app.post('/account/verify/:token', async (request, reply) => {
    const { token } = parse(tokenParams, request.params, 'link')
    const outcome = await verifyEmail(deps, token)
    if (outcome.ok) {
      return notice(reply, 200, { title: 'Address confirmed', heading: 'Your address is confirmed', outcome: 'verified',
        paragraphs: ['Thank you. You can log in now.'], links: [['/account/login', 'Log in']] })
    }
    const words = refusalWords[outcome.refused]
    if (outcome.refused === 'already-verified') return notice(reply, words.status, { title: 'Already confirmed', heading: 'Already confirmed', outcome: outcome.refused, paragraphs: [words.text], links: [['/account/login', 'Log in']] })
    return form(reply, words.status, { ...verifyAgain, problem: words.text })
  })
  app.get('/account/verify', async (_, reply) => form(reply, 200, verifyAgain))
  app.post('/account/verify', async (request, reply) => {
    let input
    try {
      input = parse(emailForm, request.body, 'request')
    } catch (error) {
      return form(reply, 400, { ...verifyAgain, problem: problemOf(error, { email: 'E-mail' }) })
    }
    await sendLinkAgain(deps, input.email, 'verify')
    return notice(reply, 200, { title: 'Check your e-mail', heading: 'Check your e-mail', outcome: 'link-sent', paragraphs: [
      `If ${input.email} has an account that is not confirmed yet, a new link is on its way. Only the newest link works.`] })
  })

  const loginPage = { title: 'Log in', heading: 'Log in', action: '/account/login', button: 'Log in',
    links: [['/account/register', 'Create an account'], ['/account/forgot', 'Forgot your password?'], ['/account/verify', 'New confirmation link']] }
  app.get('/account/login', async (request, reply) =>
    request.viewer ? reply.redirect('/account', 303) : form(reply, 200, { ...loginPage, fields: [emailField(), passwordField('current-password')] }))
  app.post('/account/login', async (request, reply) => {
    const raw = (request.body ?? {}) as Record<string, unknown>
    const typed = typeof raw.email === 'string' ? raw.email.slice(0, 200) : undefined
    const fields = [emailField(typed), passwordField('current-password')]
    let input
    try {
      input = parse(loginForm, request.body, 'login')
    } catch (error) {
      return form(reply, 400, { ...loginPage, fields, problem: problemOf(error, { email: 'E-mail', password: 'Password' }) })
    }
    const address = clientAddress(request.raw, trustProxy)
    const outcome = await logIn(deps, { ...input, address, browserSession: request.browserSession })
    if (outcome.ok) return reply.header('set-cookie', outcome.value.setCookie).redirect('/my-orders', 303)
    const words = refusalWords[outcome.refused]
    const text = outcome.refused === 'throttled'
      ? `${words.text} Please wait ${await minutesUntilLogin(deps, input.email, address)} minutes, or choose a new password.`
      : words.text
    if (outcome.refused === 'throttled') reply.header('retry-after', 60)
    return form(reply, words.status, { ...loginPage, fields, problem: text })
  })

  app.post('/account/logout', async (request, reply) => {
    if (request.viewer) await revokeLogin(deps.db, request.viewer.loginId, deps.clock())
    return reply.header('set-cookie', endedLoginCookie()).redirect('/', 303)
  })
  app.post('/account/logout-everywhere', async (request, reply) => {
    if (request.viewer) await revokeEveryLogin(deps.db, request.viewer.accountId, deps.clock())
    return reply.header('set-cookie', endedLoginCookie()).redirect('/', 303)
  })

  const forgotPage = { title: 'Forgot your password', heading: 'Choose a new password', action: '/account/forgot', button: 'Send me a link',
    lead: 'We will e-mail you a link to choose a new password.', fields: [emailField()] }
  app.get('/account/forgot', async (_, reply) => form(reply, 200, forgotPage))
  app.post('/account/forgot', async (request, reply) => {
    let input
    try {
      input = parse(emailForm, request.body, 'request')
    } catch (error) {
      return form(reply, 400, { ...forgotPage, problem: problemOf(error, { email: 'E-mail' }) })
    }
    await sendLinkAgain(deps, input.email, 'reset')
    return notice(reply, 200, { title: 'Check your e-mail', heading: 'Check your e-mail', outcome: 'link-sent', paragraphs: [
      `If ${input.email} has an account, a link to choose a new password is on its way. It works once, for an hour.`] })
  })

  const resetPage = (token: string) => ({ title: 'Choose a new password', heading: 'Choose a new password', action: `/account/reset/${token}`,
    button: 'Save my new password', fields: [passwordField('new-password', 'New password')] })
  const linkProblemPage = (reply: FastifyReply, refused: AccountRefusal) =>
    form(reply, refusalWords[refused].status, { ...forgotPage, problem: refusalWords[refused].text })
  app.get('/account/reset/:token', async (request, reply) => {
    const { token } = parse(tokenParams, request.params, 'link')
    const problem = await resetLinkProblem(deps, token)
    return problem ? linkProblemPage(reply, problem) : form(reply, 200, resetPage(token))
  })
  app.post('/account/reset/:token', async (request, reply) => {
    const { token } = parse(tokenParams, request.params, 'link')
    let input
    try {
      input = parse(resetForm, request.body, 'new password')
    } catch (error) {
      return form(reply, 400, { ...resetPage(token), problem: problemOf(error, { password: 'New password' }) })
    }
    const outcome = await resetPassword(deps, token, input.password)
    if (!outcome.ok) return linkProblemPage(reply, outcome.refused as AccountRefusal)
    return reply.header('set-cookie', endedLoginCookie()).status(200).view('contexts/accounts/views/notice.eta', {
      title: 'Password changed', heading: 'Your new password is saved', outcome: 'password-reset',
      paragraphs: ['You are logged out everywhere; log in with your new password.'], links: [['/account/login', 'Log in']] })
  })

  // The person's own account, as they just left it: their own writes projected in this request (profile.ts).
  const accountPage = async (reply: FastifyReply, accountId: string, extra: Record<string, unknown> = {}) => {
    const [{ profile, waiting }, logins] = await Promise.all([ownProfile(deps.db, accountId), openLogins(deps.db, accountId, deps.clock())])
    if (!profile) throw new HttpError('NOT_FOUND', 'no such account')
    return reply.view('contexts/accounts/views/account.eta', { title: 'Your account', profile, waiting, logins: logins.length, ...extra })
  }
  app.get('/account', async (request, reply) =>
    request.viewer ? accountPage(reply, request.viewer.accountId) : reply.redirect('/account/login', 303))
  app.get('/api/account', async (request) => {
    if (!request.viewer) throw new HttpError('UNAUTHORIZED', 'log in to see your account')
    const { profile, waiting } = await ownProfile(deps.db, request.viewer.accountId)
    return { ...profile, waiting }
  })
  app.post('/account/profile', async (request, reply) => {
    if (!request.viewer) return reply.redirect('/account/login', 303)
    let input
    try {
      input = parse(profileForm, request.body, 'profile')
    } catch (error) {
      return accountPage(reply.status(400), request.viewer.accountId, { problem: problemOf(error, { displayName: 'Name' }) })
    }
    await changeProfile(deps, request.viewer.accountId, input.displayName)
    return reply.redirect('/account', 303)
  })
}
