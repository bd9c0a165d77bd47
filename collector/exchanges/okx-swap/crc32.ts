/**
 * CRC-32 (IEEE 802.3, the zlib one) over ASCII text, fed piece by piece so that the OKX book
 * checksum needs no joined string. OKX compares it as a signed 32-bit integer.
 */

const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export const CRC32_START = -1;

/** Feed the characters of `s`; only meant for ASCII (prices, sizes, ':'), one byte per char. */
export function crc32Feed(crc: number, s: string): number {
  for (let i = 0; i < s.length; i++) crc = TABLE[(crc ^ s.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return crc;
}

/** The finished checksum as a signed 32-bit integer, the form OKX sends. */
export function crc32Final(crc: number): number {
  return ~crc;
}
