//! The 12-byte yamux frame header (hashicorp/yamux `spec.md`), big-endian on the wire.

use std::fmt;

use bytes::Bytes;

/// Length of every frame header.
pub(crate) const HEADER_LEN: usize = 12;

/// The only protocol version hashicorp/yamux speaks.
const VERSION: u8 = 0;

/// The initial and maximum receive window of every stream in each direction (Go's
/// `initialStreamWindow` and `MaxStreamWindowSize`): windows never grow beyond it.
pub(crate) const WINDOW: u32 = 256 * 1024;

/// What a frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameType {
    /// Stream data; `length` payload bytes follow the header.
    Data,
    /// A stream's window increment in `length`; also carries SYN/ACK/FIN/RST.
    WindowUpdate,
    /// Keepalive on stream 0; `length` is the opaque ping id.
    Ping,
    /// Session termination on stream 0; `length` is the reason code.
    GoAway,
}

impl FrameType {
    fn code(self) -> u8 {
        match self {
            FrameType::Data => 0,
            FrameType::WindowUpdate => 1,
            FrameType::Ping => 2,
            FrameType::GoAway => 3,
        }
    }
}

/// Frame flags.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flags(u16);

impl Flags {
    pub(crate) const NONE: Flags = Flags(0);
    /// Opens a stream (or asks for a ping answer).
    pub(crate) const SYN: Flags = Flags(1);
    /// Acknowledges a stream (or answers a ping).
    pub(crate) const ACK: Flags = Flags(2);
    /// Half-closes a stream: the sender sends no more data.
    pub(crate) const FIN: Flags = Flags(4);
    /// Aborts a stream.
    pub(crate) const RST: Flags = Flags(8);

    pub(crate) fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub(crate) fn bits(self) -> u16 {
        self.0
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;

    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [(Flags::SYN, "SYN"), (Flags::ACK, "ACK"), (Flags::FIN, "FIN"), (Flags::RST, "RST")];
        let mut first = true;
        for (flag, name) in names {
            if self.contains(flag) {
                if !first {
                    f.write_str("|")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        let unknown = self.0 & !0xf;
        if unknown != 0 {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "{unknown:#x}")?;
            first = false;
        }
        if first {
            f.write_str("-")?;
        }
        Ok(())
    }
}

/// GO_AWAY reason codes.
pub(crate) const GO_AWAY_NORMAL: u32 = 0;
pub(crate) const GO_AWAY_PROTOCOL_ERROR: u32 = 1;
pub(crate) const GO_AWAY_INTERNAL_ERROR: u32 = 2;

/// A decoded frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) ty: FrameType,
    pub(crate) flags: Flags,
    pub(crate) stream_id: u32,
    /// Payload length (DATA), window delta (WINDOW_UPDATE), ping id (PING) or reason (GO_AWAY).
    pub(crate) length: u32,
}

/// Why a header could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HeaderError {
    #[error("invalid yamux protocol version {0}")]
    Version(u8),
    #[error("invalid yamux message type {0}")]
    Type(u8),
}

impl Header {
    pub(crate) fn new(ty: FrameType, flags: Flags, stream_id: u32, length: u32) -> Header {
        Header { ty, flags, stream_id, length }
    }

    pub(crate) fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = VERSION;
        out[1] = self.ty.code();
        out[2..4].copy_from_slice(&self.flags.bits().to_be_bytes());
        out[4..8].copy_from_slice(&self.stream_id.to_be_bytes());
        out[8..12].copy_from_slice(&self.length.to_be_bytes());
        out
    }

    pub(crate) fn decode(raw: &[u8; HEADER_LEN]) -> Result<Header, HeaderError> {
        let [version, ty, f0, f1, s0, s1, s2, s3, l0, l1, l2, l3] = *raw;
        if version != VERSION {
            return Err(HeaderError::Version(version));
        }
        let ty = match ty {
            0 => FrameType::Data,
            1 => FrameType::WindowUpdate,
            2 => FrameType::Ping,
            3 => FrameType::GoAway,
            other => return Err(HeaderError::Type(other)),
        };
        Ok(Header {
            ty,
            flags: Flags(u16::from_be_bytes([f0, f1])),
            stream_id: u32::from_be_bytes([s0, s1, s2, s3]),
            length: u32::from_be_bytes([l0, l1, l2, l3]),
        })
    }
}

/// A frame waiting in the session's outbox: a header and, for DATA, its payload.
#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) header: Header,
    pub(crate) body: Bytes,
}

impl Frame {
    pub(crate) fn control(ty: FrameType, flags: Flags, stream_id: u32, length: u32) -> Frame {
        Frame { header: Header::new(ty, flags, stream_id, length), body: Bytes::new() }
    }

    pub(crate) fn data(stream_id: u32, body: Bytes) -> Frame {
        // The caller never queues more than one window (256 KiB) per frame.
        let length = u32::try_from(body.len()).unwrap_or(u32::MAX);
        Frame { header: Header::new(FrameType::Data, Flags::NONE, stream_id, length), body }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> [u8; HEADER_LEN] {
        let bytes: Vec<u8> =
            (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect();
        bytes.try_into().unwrap()
    }

    #[test]
    fn captured_headers_decode_and_encode_back() {
        // frames.txt #0000, #0004, #0003, #0065 of the stock session.
        let cases = [
            ("000100010000000100000000", FrameType::WindowUpdate, Flags::SYN, 1, 0),
            ("000100020000000100000000", FrameType::WindowUpdate, Flags::ACK, 1, 0),
            ("000000000000000100000050", FrameType::Data, Flags::NONE, 1, 80),
            ("000100040000000800000000", FrameType::WindowUpdate, Flags::FIN, 8, 0),
            ("000000000000000700000b00", FrameType::Data, Flags::NONE, 7, 2816),
        ];
        for (raw, ty, flags, stream_id, length) in cases {
            let raw = hex(raw);
            let header = Header::decode(&raw).unwrap();
            assert_eq!(header, Header::new(ty, flags, stream_id, length));
            assert_eq!(header.encode(), raw);
        }
    }

    #[test]
    fn bad_version_and_type_are_errors() {
        assert_eq!(Header::decode(&hex("010000000000000100000000")), Err(HeaderError::Version(1)));
        assert_eq!(Header::decode(&hex("000400000000000100000000")), Err(HeaderError::Type(4)));
    }

    #[test]
    fn flags_debug_names_each_bit() {
        assert_eq!(format!("{:?}", Flags::SYN | Flags::ACK), "SYN|ACK");
        assert_eq!(format!("{:?}", Flags::NONE), "-");
        assert_eq!(format!("{:?}", Flags(0x14)), "FIN|0x10");
    }
}
