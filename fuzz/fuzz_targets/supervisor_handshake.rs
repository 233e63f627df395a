//! The go-plugin handshake line a plugin prints first (`1|1|tcp|127.0.0.1:10001|grpc`), as
//! the supervisor parses it.
//!
//! Checked: nothing panics; an accepted line names a tcp address or a non-empty socket path,
//! and the canonical line for that address parses to the same address.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_host::supervisor::{__parse_handshake_line as parse, PluginAddress};

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    let Ok(address) = parse(line) else { return };
    let canonical = match &address {
        PluginAddress::Tcp(addr) => format!("1|1|tcp|{addr}|grpc"),
        PluginAddress::Unix(path) => {
            let path = path.to_str().expect("the path came from a str");
            assert!(!path.is_empty(), "an empty socket path was accepted");
            format!("1|1|unix|{path}|grpc")
        }
        other => panic!("an unknown address kind {other:?}"),
    };
    assert_eq!(parse(&canonical).as_ref(), Ok(&address), "{canonical:?} from {line:?}");
});
