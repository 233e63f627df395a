//! The remote io.Reader protocol: the captured exchange and large transfers over yamux.

use mm_netrpc::broker::Broker;
use mm_netrpc::stream_io::{RemoteReader, serve_reader};
use mm_netrpc::yamux::{Config, Session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::support::{pattern, vector};

#[tokio::test]
async fn serves_the_captured_requests_like_go() {
    // 08-p2h.bin: the ack-less id, then two requests of 65536 from a Go plugin.
    let requests = &vector("08-p2h.bin")[4..];
    assert_eq!(requests, [0x80, 0x80, 0x08, 0x80, 0x80, 0x08]);
    let (mut plugin_side, host_side) = tokio::io::duplex(1024);
    plugin_side.write_all(requests).await.unwrap();
    let served = serve_reader(host_side, &b"ping-body"[..]).await.unwrap();
    assert_eq!(served, 9);
    let mut body = Vec::new();
    plugin_side.read_to_end(&mut body).await.unwrap();
    assert_eq!(body, vector("08-h2p.bin")[4..]);
}

#[tokio::test]
async fn reads_with_go_sized_requests_as_captured() {
    let (reader_side, mut host_side) = tokio::io::duplex(1024);
    let reading = tokio::spawn(async move {
        let mut body = String::new();
        RemoteReader::with_request_size(reader_side, 65536).read_to_string(&mut body).await.unwrap();
        body
    });
    let mut request = [0u8; 3];
    host_side.read_exact(&mut request).await.unwrap();
    assert_eq!(request, vector("08-p2h.bin")[4..7]);
    host_side.write_all(b"ping-body").await.unwrap();
    host_side.shutdown().await.unwrap();
    assert_eq!(reading.await.unwrap(), "ping-body");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_64_mib_over_a_broker_stream_in_bounded_memory() {
    let (a, b) = UnixStream::pair().unwrap();
    let host = Broker::new(Session::client(a, Config::default()));
    let plugin = Broker::new(Session::server(b, Config::default()));
    let data = pattern(64 << 20, 5);
    let id = host.next_id();
    let serving = tokio::spawn({
        let data = data.clone();
        async move {
            let stream = host.accept(id).await.unwrap();
            let served = serve_reader(stream, &data[..]).await.unwrap();
            // The host's session outlives the transfer, as a server's does: dropping its last
            // handle would close the connection under window updates still on their way.
            (served, host)
        }
    });
    let stream = plugin.dial(id).await.unwrap();
    let mut reader = RemoteReader::new(stream);
    let mut got = Vec::with_capacity(data.len());
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let n = reader.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    let (served, _host) = serving.await.unwrap();
    assert_eq!(served, data.len() as u64);
    assert!(got == data, "the body arrived changed");
}

#[tokio::test]
async fn exact_multiples_of_the_request_end_cleanly() {
    for len in [0usize, 1, 100, 200, 1000] {
        let (reader_side, serving_side) = tokio::io::duplex(64);
        let data = pattern(len, 9);
        let source = data.clone();
        let serving = tokio::spawn(async move { serve_reader(serving_side, &source[..]).await.unwrap() });
        let mut got = Vec::new();
        RemoteReader::with_request_size(reader_side, 100).read_to_end(&mut got).await.unwrap();
        assert_eq!(got, data, "{len}");
        assert_eq!(serving.await.unwrap(), len as u64);
    }
}

#[tokio::test]
async fn non_positive_requests_are_ignored_and_a_vanished_reader_ends_serving() {
    let (mut reader_side, serving_side) = tokio::io::duplex(64);
    let serving = tokio::spawn(async move { serve_reader(serving_side, &b"abcdef"[..]).await.unwrap() });
    // 0, -1, then 2.
    reader_side.write_all(&[0x00, 0x01, 0x04]).await.unwrap();
    let mut two = [0u8; 2];
    reader_side.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"ab");
    drop(reader_side);
    assert_eq!(serving.await.unwrap(), 2);
}
