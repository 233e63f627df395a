//! gob's scalar encodings: unsigned and signed integers, floats (PROTOCOL.md §2.1).
//!
//! Reading never indexes out of bounds: every read checks the remaining input and fails with
//! a [`Corrupt`](crate::ErrorKind::Corrupt) error.

use crate::error::{Error, Result};

/// The most bytes a uint takes on the wire: a length byte and 8 value bytes.
pub(crate) const MAX_UINT_LEN: usize = 9;

/// Appends `v` in gob's uint encoding.
pub(crate) fn put_uint(out: &mut Vec<u8>, v: u64) {
    let mut tmp = [0u8; MAX_UINT_LEN];
    let n = encode_uint(&mut tmp, v);
    out.extend_from_slice(tmp.get(..n).unwrap_or_default());
}

/// Writes `v` into `tmp` and returns the number of bytes used.
pub(crate) fn encode_uint(tmp: &mut [u8; MAX_UINT_LEN], v: u64) -> usize {
    if v < 0x80 {
        tmp[0] = v as u8;
        return 1;
    }
    let bytes = v.to_be_bytes();
    let skip = (v.leading_zeros() / 8) as usize;
    let len = 8 - skip;
    // The count byte is the negated length: 0xff for one byte, 0xf8 for eight.
    tmp[0] = (len as u8).wrapping_neg();
    for (dst, src) in tmp[1..=len].iter_mut().zip(&bytes[skip..]) {
        *dst = *src;
    }
    len + 1
}

/// Maps a signed integer onto gob's uint (sign in the low bit).
pub(crate) fn int_to_uint(v: i64) -> u64 {
    if v < 0 { ((!v as u64) << 1) | 1 } else { (v as u64) << 1 }
}

/// The inverse of [`int_to_uint`].
pub(crate) fn uint_to_int(u: u64) -> i64 {
    let half = (u >> 1) as i64;
    if u & 1 == 1 { !half } else { half }
}

/// Appends `v` in gob's int encoding.
pub(crate) fn put_int(out: &mut Vec<u8>, v: i64) {
    put_uint(out, int_to_uint(v));
}

/// Floats travel as the uint of their byte-reversed IEEE bits, so small integers are short.
pub(crate) fn float_to_uint(v: f64) -> u64 {
    v.to_bits().swap_bytes()
}

/// The inverse of [`float_to_uint`].
pub(crate) fn uint_to_float(u: u64) -> f64 {
    f64::from_bits(u.swap_bytes())
}

/// Appends `v` in gob's float encoding.
pub(crate) fn put_float(out: &mut Vec<u8>, v: f64) {
    put_uint(out, float_to_uint(v));
}

/// Appends a length-prefixed byte string.
pub(crate) fn put_bytes(out: &mut Vec<u8>, v: &[u8]) {
    put_uint(out, v.len() as u64);
    out.extend_from_slice(v);
}

/// Reads a uint from `buf` at `*pos`, advancing `*pos`.
pub(crate) fn read_uint(buf: &[u8], pos: &mut usize) -> Result<u64> {
    let Some(&first) = buf.get(*pos) else {
        return Err(Error::corrupt("unexpected end of message reading an integer"));
    };
    if first < 0x80 {
        *pos += 1;
        return Ok(u64::from(first));
    }
    let len = usize::from(first.wrapping_neg());
    if len > 8 {
        return Err(Error::corrupt(format!("invalid integer length byte {first:#04x}")));
    }
    let start = *pos + 1;
    let Some(bytes) = buf.get(start..start + len) else {
        return Err(Error::corrupt("unexpected end of message reading an integer"));
    };
    let v = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    *pos = start + len;
    Ok(v)
}

/// Reads a uint at the start of `buf` that may be incomplete: `Ok(None)` when more bytes are
/// needed, otherwise the value and the number of bytes it took.
pub(crate) fn peek_uint(buf: &[u8]) -> Result<Option<(u64, usize)>> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    if first < 0x80 {
        return Ok(Some((u64::from(first), 1)));
    }
    let len = usize::from(first.wrapping_neg());
    if len > 8 {
        return Err(Error::corrupt(format!("invalid message length byte {first:#04x}")));
    }
    if buf.len() < len + 1 {
        return Ok(None);
    }
    let mut pos = 0;
    read_uint(buf, &mut pos).map(|v| Some((v, pos)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uint_bytes(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        put_uint(&mut out, v);
        out
    }

    fn int_bytes(v: i64) -> Vec<u8> {
        let mut out = Vec::new();
        put_int(&mut out, v);
        out
    }

    fn float_bytes(v: f64) -> Vec<u8> {
        let mut out = Vec::new();
        put_float(&mut out, v);
        out
    }

    #[test]
    fn uints_match_the_protocol_examples() {
        assert_eq!(uint_bytes(0), [0x00]);
        assert_eq!(uint_bytes(7), [0x07]);
        assert_eq!(uint_bytes(127), [0x7f]);
        assert_eq!(uint_bytes(128), [0xff, 0x80]);
        assert_eq!(uint_bytes(130), [0xff, 0x82]);
        assert_eq!(uint_bytes(256), [0xfe, 0x01, 0x00]);
        assert_eq!(uint_bytes(836), [0xfe, 0x03, 0x44]);
        assert_eq!(uint_bytes(u64::MAX), [0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    }

    #[test]
    fn ints_match_the_protocol_examples() {
        assert_eq!(int_bytes(0), [0x00]);
        assert_eq!(int_bytes(-1), [0x01]);
        assert_eq!(int_bytes(1), [0x02]);
        assert_eq!(int_bytes(-65), [0xff, 0x81]);
        assert_eq!(int_bytes(418), [0xfe, 0x03, 0x44]);
        assert_eq!(int_bytes(-64), [0x7f]);
        assert_eq!(int_bytes(64), [0xff, 0x80]);
        assert_eq!(uint_to_int(int_to_uint(i64::MIN)), i64::MIN);
        assert_eq!(uint_to_int(int_to_uint(i64::MAX)), i64::MAX);
    }

    #[test]
    fn floats_are_byte_reversed() {
        assert_eq!(float_bytes(1.5), [0xfe, 0xf8, 0x3f]);
        assert_eq!(float_bytes(3.25), [0xfe, 0x0a, 0x40]);
        assert_eq!(float_bytes(0.0), [0x00]);
        // 2.0 is 0x4000_0000_0000_0000: reversed, a single byte.
        assert_eq!(float_bytes(2.0), [0x40]);
        assert_eq!(uint_to_float(float_to_uint(-0.1)), -0.1);
    }
}
