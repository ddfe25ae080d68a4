import { reviewRules } from './messages.ts'

/** One person's review of one movie: written once; anything else refused with a reason the person is shown. */

export type ReviewRefusal = 'empty' | 'too-long' | 'unknown-movie' | 'duplicate'

export interface ReviewDraft {
  readonly reviewId: string
  readonly stars: number
  readonly text: string
  readonly writtenAt: string
}

export type ReviewCommand = { readonly type: 'WriteReview'; readonly data: ReviewDraft }

export type ReviewEvent =
  | { readonly type: 'ReviewWritten'; readonly data: ReviewDraft }
  | { readonly type: 'ReviewRefused'; readonly data: { readonly reviewId: string; readonly reason: ReviewRefusal } }

/** A movie the person may review (or not: reviews know a movie once the catalog has scheduled it), and what they did. */
export type ReviewState =
  | { readonly status: 'no-such-movie' }
  | { readonly status: 'open'; readonly refused: readonly string[] }
  | { readonly status: 'reviewed'; readonly reviewId: string; readonly refused: readonly string[] }

export const initialState = (movieListed: boolean): ReviewState => (movieListed ? { status: 'open', refused: [] } : { status: 'no-such-movie' })

/** Events to append, or none: the same review sent again changes nothing, a refusal stands for its id. */
export const decide = (command: ReviewCommand, state: ReviewState): { events: ReviewEvent[] } => {
  switch (command.type) {
    case 'WriteReview': {
      const { reviewId, text } = command.data
      const refuse = (reason: ReviewRefusal) => ({ events: [{ type: 'ReviewRefused' as const, data: { reviewId, reason } }] })
      if (state.status !== 'no-such-movie' && (state.refused.includes(reviewId) || (state.status === 'reviewed' && state.reviewId === reviewId))) {
        return { events: [] }
      }
      if (state.status === 'no-such-movie') return refuse('unknown-movie')
      if (text.trim() === '') return refuse('empty')
      if (text.length > reviewRules.textMax) return refuse('too-long')
      if (state.status === 'reviewed') return refuse('duplicate')
      return { events: [{ type: 'ReviewWritten', data: { ...command.data, text: text.trim() } }] }
    }
    default:
      return command.type satisfies never
  }
}

export const evolve = (state: ReviewState, event: ReviewEvent): ReviewState => {
  switch (event.type) {
    case 'ReviewWritten':
      return { status: 'reviewed', reviewId: event.data.reviewId, refused: state.status === 'no-such-movie' ? [] : state.refused }
    case 'ReviewRefused':
      return state.status === 'no-such-movie' ? state : { ...state, refused: [...state.refused, event.data.reviewId] }
    default:
      return event satisfies never
  }
}

/** What a refusal says to the person who wrote it. */
export const refusalWords: Record<ReviewRefusal, string> = {
  'empty': 'A review needs a few words.',
  'too-long': `A review is at most ${reviewRules.textMax.toLocaleString('en')} characters.`,
  'unknown-movie': 'We do not know that movie.',
  'duplicate': 'You have reviewed this movie already.',
}
