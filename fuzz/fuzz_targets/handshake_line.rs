//! Arbitrary lines into the host's handshake parser: it answers with a handshake or an error,
//! never panics, and a line it accepts writes back to a line that parses to the same handshake.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_netrpc::handshake::{Handshake, HandshakeConfig};

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let config = HandshakeConfig::MATTERMOST;
    if let Ok(handshake) = Handshake::parse(&line, &config) {
        let again = Handshake::parse(&handshake.to_line(), &config).expect("our own line parses");
        assert_eq!(again, handshake);
    }
});
