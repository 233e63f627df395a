//! MuxBroker: ids and acks as in the capture, separate id spaces, timeouts.

use std::time::Duration;

use mm_netrpc::ErrorKind;
use mm_netrpc::broker::Broker;
use mm_netrpc::yamux::{Config, Session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::support::vector;

fn sessions() -> (Session, Session) {
    let (a, b) = UnixStream::pair().unwrap();
    (Session::client(a, Config::default()), Session::server(b, Config::default()))
}

#[tokio::test]
async fn accepted_streams_start_with_the_captured_id_and_ack() {
    let (host, plugin) = sessions();
    let plugin = Broker::new(plugin);
    assert_eq!(plugin.next_id(), 1);
    let accepting = tokio::spawn({
        let plugin = plugin.clone();
        async move { plugin.accept(1).await }
    });
    // The host dials plugin id 1 by hand, as in stream 7 of the capture.
    let mut stream = host.open().await.unwrap();
    stream.write_all(&vector("07-h2p.bin")[..4]).await.unwrap();
    let mut ack = [0u8; 4];
    stream.read_exact(&mut ack).await.unwrap();
    assert_eq!(ack, vector("07-p2h.bin")[..4]);
    let mut accepted = accepting.await.unwrap().unwrap();
    stream.write_all(b"after the id").await.unwrap();
    let mut buf = [0u8; 12];
    accepted.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"after the id");
}

#[tokio::test]
async fn dialled_streams_write_the_captured_id_and_check_the_ack() {
    let (host, plugin) = sessions();
    let plugin = Broker::new(plugin);
    // The plugin dials host id 1 (the API, stream 2 of the capture); the host answers by hand.
    let dialling = tokio::spawn({
        let plugin = plugin.clone();
        async move { plugin.dial(1).await }
    });
    let mut stream = host.accept().await.unwrap();
    assert_eq!(stream.id(), 2);
    let mut id = [0u8; 4];
    stream.read_exact(&mut id).await.unwrap();
    assert_eq!(id, vector("02-p2h.bin")[..4]);
    stream.write_all(&vector("02-h2p.bin")[..4]).await.unwrap();
    dialling.await.unwrap().unwrap();

    // A wrong ack is refused.
    let dialling = tokio::spawn(async move { plugin.dial(2).await });
    let mut stream = host.accept().await.unwrap();
    stream.read_exact(&mut id).await.unwrap();
    assert_eq!(id, vector("04-p2h.bin")[..4]);
    stream.write_all(&9u32.to_le_bytes()).await.unwrap();
    let err = dialling.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::BrokerBadAck { expected: 2, got: 9 });
}

#[tokio::test]
async fn both_sides_have_their_own_id_1() {
    let (host, plugin) = sessions();
    let (host, plugin) = (Broker::new(host), Broker::new(plugin));
    let (h1, p1) = (host.next_id(), plugin.next_id());
    assert_eq!((h1, p1), (1, 1));
    assert_eq!(host.next_id(), 2);

    let host_accept = tokio::spawn({
        let host = host.clone();
        async move { host.accept(1).await }
    });
    let plugin_accept = tokio::spawn({
        let plugin = plugin.clone();
        async move { plugin.accept(1).await }
    });
    let mut to_host = plugin.dial(1).await.unwrap();
    let mut to_plugin = host.dial(1).await.unwrap();
    let mut at_host = host_accept.await.unwrap().unwrap();
    let mut at_plugin = plugin_accept.await.unwrap().unwrap();
    to_host.write_all(b"for host").await.unwrap();
    to_plugin.write_all(b"for plugin").await.unwrap();
    let mut buf = vec![0u8; 8];
    at_host.read_exact(&mut buf).await.unwrap();
    assert_eq!(buf, b"for host");
    let mut buf = vec![0u8; 10];
    at_plugin.read_exact(&mut buf).await.unwrap();
    assert_eq!(buf, b"for plugin");
}

#[tokio::test]
async fn a_stream_that_arrives_before_its_accept_is_parked() {
    let (host, plugin) = sessions();
    let (host, plugin) = (Broker::new(host), Broker::new(plugin));
    let dialling = tokio::spawn(async move { host.dial(3).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let accepted = plugin.accept(3).await.unwrap();
    let dialled = dialling.await.unwrap().unwrap();
    assert_eq!(accepted.id(), dialled.id());
}

#[tokio::test]
async fn accept_times_out_after_5_seconds_with_a_clear_error() {
    let (_host, plugin) = sessions();
    let plugin = Broker::new(plugin);
    let err = plugin.accept(7).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::BrokerAcceptTimeout { id: 7 });
    assert_eq!(err.to_string(), "timeout waiting for accept of broker id 7");
}

#[tokio::test]
async fn a_second_accept_of_the_same_id_is_refused() {
    let (_host, plugin) = sessions();
    let plugin = Broker::with_accept_timeout(plugin, Duration::from_millis(300));
    let first = tokio::spawn({
        let plugin = plugin.clone();
        async move { plugin.accept(4).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(plugin.accept(4).await.unwrap_err().kind(), &ErrorKind::BrokerIdInUse { id: 4 });
    assert!(matches!(first.await.unwrap().unwrap_err().kind(), ErrorKind::BrokerAcceptTimeout { id: 4 }));
}

#[tokio::test]
async fn an_unclaimed_dial_is_closed_after_the_timeout() {
    let (host, plugin) = sessions();
    let host = Broker::new(host);
    let _plugin = Broker::with_accept_timeout(plugin, Duration::from_millis(100));
    let err = host.dial(9).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Io(_)), "{err:?}");
}

#[tokio::test]
async fn a_broker_id_that_never_arrives_closes_the_stream() {
    let (host, plugin) = sessions();
    let _plugin = Broker::with_accept_timeout(plugin, Duration::from_millis(100));
    let mut stream = host.open().await.unwrap();
    stream.write_all(&[1, 0]).await.unwrap(); // half an id, then silence
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
}

#[tokio::test]
async fn accept_fails_when_the_session_closes() {
    let (host, plugin) = sessions();
    let plugin = Broker::new(plugin);
    let accepting = tokio::spawn({
        let plugin = plugin.clone();
        async move { plugin.accept(1).await }
    });
    host.close().await;
    let err = accepting.await.unwrap().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::SessionClosed(_)), "{err:?}");
}
