//! Checksums embedded in provider keys. A key whose checksum fails was mistyped,
//! truncated and padded, or copied from documentation: it cannot work.

use sha2::{Digest, Sha256};

use super::catalog::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Whether `key`, already known to match its format, carries a correct checksum.
pub(crate) fn holds(checksum: Checksum, key: &str) -> bool {
    match checksum {
        Checksum::Crc32Base62 => crc32_base62(key),
        Checksum::Sha256Base32 => sha256_base32(key),
    }
}

/// `key` (of a format with `checksum`) with a checksum that is certainly wrong, the rest
/// unchanged: for placeholders, which must never pass for a working key (and so raise
/// no alarm where they leak: GitHub's secret scanning checks the checksum).
pub(crate) fn broken(checksum: Checksum, key: &str) -> String {
    match checksum {
        Checksum::Crc32Base62 => match key.split_once('_') {
            Some((prefix, body)) if body.len() == 36 && body.is_ascii() => {
                let crc = crc32fast::hash(&body.as_bytes()[..30]);
                format!("{prefix}_{}{}", &body[..30], base62(crc.wrapping_add(1), 6))
            }
            _ => key.to_owned(),
        },
        Checksum::Sha256Base32 if key.len() >= 85 && key.is_ascii() => {
            let right = base32(&Sha256::digest(&key.as_bytes()[..77]));
            // Each character moved one place along the alphabet: all 8 differ.
            let wrong: String = right.as_bytes()[..8]
                .iter()
                .map(|b| BASE32[(BASE32.iter().position(|c| c == b).unwrap_or(0) + 1) % 32] as char)
                .collect();
            format!("{}{wrong}{}", &key[..77], &key[85..])
        }
        Checksum::Sha256Base32 => key.to_owned(),
    }
}

/// `prefix_` + 30 characters + the base62 CRC32 of those 30, 6 digits, zero-padded.
fn crc32_base62(key: &str) -> bool {
    let Some((_, body)) = key.split_once('_') else { return false };
    if body.len() != 36 {
        return false;
    }
    let (data, check) = body.split_at(30);
    base62(crc32fast::hash(data.as_bytes()), 6).as_bytes() == check.as_bytes()
}

/// GitHub fine-grained PATs: characters 78 to 85 are the start of base32(SHA-256 of the
/// first 77 characters).
fn sha256_base32(key: &str) -> bool {
    if key.len() < 85 || !key.is_ascii() {
        return false;
    }
    let digest = Sha256::digest(&key.as_bytes()[..77]);
    base32(&digest).as_bytes()[..8] == key.as_bytes()[77..85]
}

fn base62(mut n: u32, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(digits).expect("base62 digits are ASCII")
}

/// RFC 4648 base32, no padding.
fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648_vectors() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
        assert_eq!(base32(b"f"), "MY");
    }

    #[test]
    fn base62_is_most_significant_first_and_padded() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 6), "00000z");
        assert_eq!(base62(62, 6), "000010");
        assert_eq!(base62(u32::MAX, 6), "4gfFC3");
    }

    #[test]
    fn a_github_token_checksum_catches_one_changed_character() {
        let data = "abcdefghijklmnopqrstuvwxyzABCD";
        let good = format!("ghp_{data}{}", base62(crc32fast::hash(data.as_bytes()), 6));
        assert!(holds(Checksum::Crc32Base62, &good));
        let bad = format!("ghp_X{}", &good[5..]);
        assert!(!holds(Checksum::Crc32Base62, &bad));
    }
}
