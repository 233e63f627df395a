//! net/rpc's headers, sent before every request and response body.

mm_gob::gob_struct! {
    /// `rpc.Request`: the method and the sequence number the reply will carry.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(crate) struct Request = "Request" {
        pub(crate) service_method: String = "ServiceMethod",
        pub(crate) seq: u64 = "Seq",
    }
}

mm_gob::gob_struct! {
    /// `rpc.Response`: the request's method and sequence number, and the error text if the
    /// call failed (then the body is an empty struct).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(crate) struct Response = "Response" {
        pub(crate) service_method: String = "ServiceMethod",
        pub(crate) seq: u64 = "Seq",
        pub(crate) error: String = "Error",
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use mm_gob::{Decoder, Encoder, Limits, MessageQueue};

    use super::*;

    /// The first 80 bytes of `01-h2p.bin`: a stock server's Dispense request on stream 1.
    const DISPENSE: &[u8] = b"\x2e\x7f\x03\x01\x01\x07Request\x01\xff\x80\x00\x01\x02\x01\x0dServiceMethod\x01\x0c\x00\x01\x03Seq\x01\x06\x00\x00\x00\
        \x17\xff\x80\x01\x12Dispenser.Dispense\x00\
        \x08\x0c\x00\x05hooks";

    #[test]
    fn encodes_the_dispense_request_byte_for_byte() {
        let mut out = Vec::new();
        let mut encoder = Encoder::new();
        encoder.encode(&Request { service_method: "Dispenser.Dispense".into(), seq: 0 }, &mut out).unwrap();
        encoder.encode(&"hooks", &mut out).unwrap();
        assert_eq!(out, DISPENSE);
    }

    #[test]
    fn decodes_the_captured_response() {
        // 01-p2h.bin [0:86]: the Response typedef, Response{ServiceMethod: "Dispenser.Dispense"}, uint 1.
        let reply: &[u8] = b"\x39\x7f\x03\x01\x01\x08Response\x01\xff\x80\x00\x01\x03\x01\x0dServiceMethod\x01\x0c\x00\x01\x03Seq\x01\x06\x00\x01\x05Error\x01\x0c\x00\x00\x00\
            \x17\xff\x80\x01\x12Dispenser.Dispense\x00\
            \x03\x06\x00\x01";
        let limits = Limits::default();
        let mut queue = MessageQueue::new();
        queue.fill_from(&mut BytesMut::from(reply), &limits).unwrap();
        let mut decoder = Decoder::new(limits);
        let header: Response = decoder.decode(&mut queue).unwrap();
        assert_eq!(
            header,
            Response { service_method: "Dispenser.Dispense".into(), seq: 0, error: String::new() }
        );
        let id: u32 = decoder.decode(&mut queue).unwrap();
        assert_eq!(id, 1);
    }
}
