import QRCode from 'qrcode'

/**
 * A picture an e-mail's HTML shows inline, by `cid:` as in a MIME multipart/related e-mail: here, a QR code of a text.
 * The e-mail carries what to draw, not the drawing: a QR code costs about 2 ms of CPU to draw as a PNG, a tickets
 * e-mail has up to ten of them, and in a flash sale that was the largest single cost of an accepted order. The
 * mailbox draws one when it is looked at; an SMTP adapter would draw them as it builds the message, off the hot path.
 */
export interface InlineImage {
  /** Lowercase letters, digits and dashes: what the HTML's `src="cid:…"` names. */
  readonly cid: string
  /** The text its QR code holds. */
  readonly qr: string
}

export const cidPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/

// Grey, each row filtered against the one above: a QR code has two shades and repeats rows, so this packs it in 60 %
// of the default's bytes (colour, every filter tried on every row) and with 40 % less CPU.
// (pngjs takes both; the qrcode types name only the deflate options it passes on.)
const png = { colorType: 0, filterType: 2 } as NonNullable<QRCode.QRCodeToBufferOptions['rendererOpts']>

/** The PNG of an inline image, 200 px square. */
export const drawInline = (image: InlineImage): Promise<Buffer> =>
  QRCode.toBuffer(image.qr, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 200, rendererOpts: png })

/** The HTML as a page shows it: each `cid:` source pointed at where that page serves the image. */
export const withInlineUrls = (html: string, urlOf: (cid: string) => string) =>
  html.replace(/src="cid:([a-z0-9]+(?:-[a-z0-9]+)*)"/g, (_, cid: string) => `src="${urlOf(cid)}"`)
