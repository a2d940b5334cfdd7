// multipart/mixed bodies for statements with attachments (xAPI 1.0.3 §2.4.11,
// 2.0.0 §5.2): reading the parts, and checking each part's SHA-2 against the
// attachments the statements declare. Pure (hashes are computed by the caller).

export interface Part {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** The boundary of a multipart/mixed Content-Type, or null. */
export function multipartBoundary(contentType: string): string | null {
  if (!/^multipart\/mixed\s*;/i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m === null ? null : (m[1] ?? m[2] ?? null);
}

// Buffer's native search: a 16 MiB body is searched in milliseconds, where a
// loop in JavaScript blocked the web thread for tens of them (issue 13, item 7).
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from);
}

/** The parts of a multipart body, or null when it is not well formed. */
export function parseMultipart(body: Uint8Array, boundary: string): Part[] | null {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const delimiter = encoder.encode(`--${boundary}`);
  const parts: Part[] = [];
  let at = indexOf(body, delimiter, 0);
  if (at < 0) return null;
  for (;;) {
    let start = at + delimiter.length;
    if (body[start] === 45 && body[start + 1] === 45) return parts; // closing "--"
    if (body[start] === 13 && body[start + 1] === 10) start += 2;
    else return null;
    const next = indexOf(body, delimiter, start);
    if (next < 0) return null;
    let end = next;
    if (body[end - 2] === 13 && body[end - 1] === 10) end -= 2;
    const chunk = body.subarray(start, end);
    const split = indexOf(chunk, encoder.encode('\r\n\r\n'), 0);
    const headerText = split < 0 ? '' : decoder.decode(chunk.subarray(0, split));
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: split < 0 ? chunk : chunk.subarray(split + 4) });
    at = next;
  }
}

export interface DeclaredAttachment {
  readonly sha2: string;
  readonly fileUrl?: string;
}

/** Problems matching parts to declared attachments: every part declared, every attachment without fileUrl sent, hashes true. */
export function matchAttachments(declared: readonly DeclaredAttachment[], parts: readonly { hashHeader: string | undefined; actual: (length: number) => string }[]): string | null {
  const wanted = new Set(declared.map((a) => a.sha2.toLowerCase()));
  const sent = new Set<string>();
  for (const [i, part] of parts.entries()) {
    const header = part.hashHeader?.toLowerCase();
    if (header === undefined) return `attachment part ${i + 1} has no X-Experience-API-Hash header`;
    if (!wanted.has(header)) return `attachment part ${i + 1} matches no attachment in the statements`;
    if (part.actual(header.length) !== header) return `attachment part ${i + 1} does not have the SHA-2 hash it claims`;
    sent.add(header);
  }
  const missing = declared.find((a) => a.fileUrl === undefined && !sent.has(a.sha2.toLowerCase()));
  return missing === undefined ? null : `attachment ${missing.sha2} has no fileUrl and was not sent`;
}
