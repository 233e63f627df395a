//! Decoding the bytes a stock Mattermost server and a stock Go plugin exchanged.

use bytes::BytesMut;
use mm_gob::{Decoder, Encoder, Limits, MessageQueue};

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Request = "Request" {
        pub service_method: String = "ServiceMethod",
        pub seq: u64 = "Seq",
    }
}

fn queue(bytes: &[u8]) -> MessageQueue {
    let mut q = MessageQueue::new();
    let mut buf = BytesMut::from(bytes);
    q.fill_from(&mut buf, &Limits::default()).unwrap();
    assert!(buf.is_empty(), "stream ends inside a message");
    q
}

#[test]
fn dispense_request() {
    let bytes = include_bytes!("../vectors/01-h2p.bin");
    let mut q = queue(&bytes[..80]);
    let mut dec = Decoder::new(Limits::default());
    let req: Request = dec.decode(&mut q).unwrap();
    assert_eq!(req, Request { service_method: "Dispenser.Dispense".into(), seq: 0 });
    let name: String = dec.decode(&mut q).unwrap();
    assert_eq!(name, "hooks");
    assert!(q.is_empty());

    let mut enc = Encoder::new();
    let mut out = Vec::new();
    enc.encode(&req, &mut out).unwrap();
    enc.encode(&"hooks", &mut out).unwrap();
    assert_eq!(out, &bytes[..80]);
}
