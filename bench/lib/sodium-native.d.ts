// The little of sodium-native's API bench/lib/page-session.ts uses (the package ships no types).
declare module 'sodium-native' {
  const sodium: {
    crypto_secretbox_NONCEBYTES: number
    crypto_secretbox_MACBYTES: number
    crypto_secretbox_easy: (cipher: Buffer, message: Buffer, nonce: Buffer, key: Buffer) => void
  }
  export default sodium
}
