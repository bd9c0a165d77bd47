/** Reading a byte stream whole, refusing it as soon as it grows past a limit (never held whole). */
export async function readAll(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooMuch: (size: number) => Error,
  onChunk?: (loaded: number) => void,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.length;
    if (loaded > maxBytes) {
      await reader.cancel();
      throw tooMuch(loaded);
    }
    chunks.push(value);
    onChunk?.(loaded);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}
