//! yamux: captured Go frames, Rust-to-Rust sessions over unix sockets, and a hand-written
//! peer that breaks the rules.

use std::time::Duration;

use mm_netrpc::ErrorKind;
use mm_netrpc::yamux::{CloseReason, Config, Session, Stream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::support::*;

fn quiet() -> Config {
    Config::default().with_keepalive_interval(None)
}

fn pair(config: Config) -> (Session, Session) {
    let (a, b) = UnixStream::pair().unwrap();
    (Session::client(a, config.clone()), Session::server(b, config))
}

/// A session of ours facing a raw peer.
fn raw(server: bool, config: Config) -> (Session, RawPeer) {
    let (a, b) = UnixStream::pair().unwrap();
    let session = if server { Session::server(a, config) } else { Session::client(a, config) };
    (session, RawPeer { sock: b })
}

async fn read_n(stream: &mut Stream, n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    stream.read_exact(&mut out).await.unwrap();
    out
}

/// Waits (bounded) until `f` holds; the bound only keeps a broken build from hanging.
async fn eventually(mut f: impl FnMut() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached");
}

#[tokio::test]
async fn answers_the_captured_opening_byte_for_byte_like_go() {
    let records = capture_records();
    let p2h = capture_direction(1);
    let (server, mut peer) = raw(true, quiet());
    // Record 0: SYN for streams 1, 3, 5 and the Dispense request on stream 1 (frames #0000-#0003).
    assert_eq!(records[0].0, 0);
    peer.sock.write_all(&records[0].1).await.unwrap();

    let mut control = server.accept().await.unwrap();
    let stdout = server.accept().await.unwrap();
    let stderr = server.accept().await.unwrap();
    assert_eq!([control.id(), stdout.id(), stderr.id()], [1, 3, 5]);
    assert_eq!(read_n(&mut control, 80).await, vector("01-h2p.bin")[..80]);

    // Our answer: the three ACKs (#0004-#0006), then the reply as one DATA frame (#0007).
    control.write_all(&vector("01-p2h.bin")[..86]).await.unwrap();
    let mut ours = vec![0u8; 134];
    peer.sock.read_exact(&mut ours).await.unwrap();
    assert_eq!(ours, p2h[..134]);
}

#[tokio::test]
async fn replays_the_hosts_side_of_a_stock_session() {
    let (server, mut peer) = raw(true, quiet());
    let h2p = capture_direction(0);
    let feeder = tokio::spawn(async move {
        peer.sock.write_all(&h2p).await.unwrap();
        peer
    });
    let mut streams = Vec::new();
    for _ in 0..4 {
        streams.push(server.accept().await.unwrap());
    }
    assert_eq!(streams.iter().map(Stream::id).collect::<Vec<_>>(), [1, 3, 5, 7]);
    assert_eq!(read_n(&mut streams[0], 104).await, vector("01-h2p.bin"));
    assert_eq!(read_n(&mut streams[3], 4288).await, vector("07-h2p.bin"));
    let _peer = feeder.await.unwrap();
}

#[tokio::test]
async fn replays_the_plugins_side_of_a_stock_session() {
    let (client, peer) = raw(false, quiet());
    let (mut peer_read, mut peer_write) = peer.sock.into_split();
    let mut opened = Vec::new();
    for _ in 0..4 {
        opened.push(client.open().await.unwrap());
    }
    assert_eq!(opened.iter().map(Stream::id).collect::<Vec<_>>(), [1, 3, 5, 7]);
    // Our SYNs: drain them; the capture's plugin answers them with ACKs.
    tokio::spawn(async move {
        let mut sink = Vec::new();
        let _ = peer_read.read_to_end(&mut sink).await;
    });
    let p2h = capture_direction(1);
    let feeder = tokio::spawn(async move {
        peer_write.write_all(&p2h).await.unwrap();
        peer_write
    });
    let mut accepted = Vec::new();
    for _ in 0..4 {
        accepted.push(client.accept().await.unwrap());
    }
    assert_eq!(accepted.iter().map(Stream::id).collect::<Vec<_>>(), [2, 4, 6, 8]);
    for (stream, file) in opened.iter_mut().zip(["01-p2h.bin", "03-p2h.bin", "05-p2h.bin", "07-p2h.bin"]) {
        let want = vector(file);
        assert_eq!(read_n(stream, want.len()).await, want, "{file}");
    }
    assert_eq!(read_n(&mut accepted[0], 3119).await, vector("02-p2h.bin"));
    assert_eq!(read_n(&mut accepted[1], 4).await, vector("04-p2h.bin"));
    // The plugin half-closed streams 6 and 8 (#0071, #0072): data, then EOF.
    let mut rest = Vec::new();
    accepted[2].read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, vector("06-p2h.bin"));
    rest.clear();
    accepted[3].read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, vector("08-p2h.bin"));
    let _writer = feeder.await.unwrap();
}

async fn echo_server(server: Session) {
    while let Some(mut stream) = server.accept().await {
        tokio::spawn(async move {
            let (mut r, mut w) = tokio::io::split(&mut stream);
            let _ = tokio::io::copy(&mut r, &mut w).await;
            let _ = w.shutdown().await;
        });
    }
}

async fn echo_once(client: &Session, payload: Vec<u8>) {
    let stream = client.open().await.unwrap();
    let (mut r, mut w) = tokio::io::split(stream);
    let sent = payload.clone();
    let writer = tokio::spawn(async move {
        w.write_all(&sent).await.unwrap();
        w.shutdown().await.unwrap();
    });
    let mut back = Vec::with_capacity(payload.len());
    r.read_to_end(&mut back).await.unwrap();
    writer.await.unwrap();
    assert!(back == payload, "echo of {} bytes differs", payload.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_larger_than_the_window_flow_in_both_directions() {
    let (client, server) = pair(quiet());
    tokio::spawn(echo_server(server));
    echo_once(&client, pattern(1 << 20, 1)).await;
    echo_once(&client, pattern(16 << 20, 2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_streams() {
    let (client, server) = pair(quiet());
    tokio::spawn(echo_server(server));
    let mut tasks = Vec::new();
    for i in 0..200u32 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            echo_once(&client, pattern(40_000 + i as usize * 97, i as u8)).await
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn half_close_each_direction_and_the_stream_is_gone_after_both_fins() {
    let (client, server) = pair(quiet());
    let mut out = client.open().await.unwrap();
    out.write_all(b"request").await.unwrap();
    out.shutdown().await.unwrap();
    // Writing after our FIN is an error.
    assert_eq!(out.write_all(b"x").await.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);

    let mut incoming = server.accept().await.unwrap();
    let mut request = Vec::new();
    incoming.read_to_end(&mut request).await.unwrap();
    assert_eq!(request, b"request");
    // The other direction still works after the peer's FIN.
    incoming.write_all(b"response").await.unwrap();
    incoming.shutdown().await.unwrap();
    let mut response = Vec::new();
    out.read_to_end(&mut response).await.unwrap();
    assert_eq!(response, b"response");

    // Both sides sent FIN: the stream is gone on both, though the handles still exist.
    eventually(|| client.num_streams() == 0 && server.num_streams() == 0).await;
    drop((out, incoming));
}

#[tokio::test]
async fn reset_aborts_both_directions() {
    let (client, server) = pair(quiet());
    let mut out = client.open().await.unwrap();
    out.write_all(b"abc").await.unwrap();
    let mut incoming = server.accept().await.unwrap();
    assert_eq!(read_n(&mut incoming, 3).await, b"abc");
    out.reset();
    let mut buf = [0u8; 8];
    let err = incoming.read(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    let err = incoming.write_all(b"late").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    eventually(|| client.num_streams() == 0 && server.num_streams() == 0).await;
}

#[tokio::test]
async fn a_dropped_stream_keeps_returning_credit_so_the_writer_never_stalls() {
    let (client, server) = pair(quiet());
    let mut out = client.open().await.unwrap();
    out.write_all(b"x").await.unwrap();
    drop(server.accept().await.unwrap());
    // 4 windows' worth: only possible if the dropped side discards and returns credit.
    let payload = pattern(1 << 20, 3);
    out.write_all(&payload).await.unwrap();
    let mut rest = Vec::new();
    out.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "the dropped side sent FIN and nothing else");
}

#[tokio::test]
async fn keepalive_between_our_sessions_keeps_them_open() {
    let config = Config::default().with_keepalive_interval(Some(Duration::from_millis(20)));
    let (client, server) = pair(config);
    tokio::spawn(echo_server(server.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(client.close_reason(), None);
    assert_eq!(server.close_reason(), None);
    echo_once(&client, pattern(1000, 4)).await;
    assert!(client.ping().await.is_ok());
}

#[tokio::test]
async fn keepalive_pings_periodically_and_closes_when_unanswered() {
    let config = Config::default()
        .with_keepalive_interval(Some(Duration::from_millis(30)))
        .with_ping_timeout(Duration::from_millis(200));
    let (session, mut peer) = raw(true, config);
    let (first, _) = peer.next().await.unwrap();
    assert_eq!((first.ty, first.flags, first.stream), (PING, SYN, 0));
    peer.send(PING, ACK, 0, first.length).await;
    let (second, _) = peer.next().await.unwrap();
    assert_eq!((second.ty, second.flags), (PING, SYN));
    assert_ne!(second.length, first.length, "each ping has its own id");
    // Not answered: the session gives up, as Go does after 10 s.
    assert_eq!(session.closed().await, CloseReason::KeepAliveTimeout);
}

#[tokio::test]
async fn answers_a_ping_with_the_same_id() {
    let (_session, mut peer) = raw(true, quiet());
    peer.send(PING, SYN, 0, 0xdead_beef).await;
    let (answer, _) = peer.next().await.unwrap();
    assert_eq!(answer, RawFrame { ty: PING, flags: ACK, stream: 0, length: 0xdead_beef });
}

#[tokio::test]
async fn data_beyond_the_window_is_a_protocol_error_answered_with_go_away() {
    let (session, mut peer) = raw(true, quiet());
    peer.send(WINDOW_UPDATE, SYN, 1, 0).await;
    // One byte more than the 256 KiB window; the header alone is enough to refuse it.
    peer.send(DATA, 0, 1, 256 * 1024 + 1).await;
    let (frame, _) = peer.next_non_ping().await.unwrap();
    assert_eq!((frame.ty, frame.length), (GO_AWAY, 1));
    assert!(
        matches!(session.closed().await, CloseReason::Protocol(m) if m.contains("receive window exceeded"))
    );
}

#[tokio::test]
async fn an_oversized_length_for_an_unknown_stream_is_discarded_without_buffering() {
    let (session, mut peer) = raw(true, quiet());
    peer.send(DATA, 0, 99, u32::MAX).await;
    peer.sock.write_all(&[0u8; 4096]).await.unwrap();
    peer.sock.shutdown().await.unwrap();
    let reason = session.closed().await;
    assert!(matches!(reason, CloseReason::Io { kind: std::io::ErrorKind::UnexpectedEof, .. }), "{reason:?}");
}

#[tokio::test]
async fn a_truncated_frame_closes_the_session_with_a_clear_reason() {
    let (session, mut peer) = raw(true, quiet());
    peer.send(WINDOW_UPDATE, SYN, 1, 0).await;
    let mut stream = session.accept().await.unwrap();
    peer.send(DATA, 0, 1, 100).await;
    peer.sock.write_all(&[1, 2, 3]).await.unwrap();
    peer.sock.shutdown().await.unwrap();
    let reason = session.closed().await;
    assert!(matches!(&reason, CloseReason::Io { kind: std::io::ErrorKind::UnexpectedEof, .. }), "{reason:?}");
    assert!(reason.to_string().contains("middle of a yamux frame"), "{reason}");
    let err = stream.read(&mut [0u8; 8]).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionAborted);

    let (session, mut peer) = raw(true, quiet());
    peer.sock.write_all(&[0, 1, 0]).await.unwrap();
    peer.sock.shutdown().await.unwrap();
    assert!(matches!(
        session.closed().await,
        CloseReason::Io { kind: std::io::ErrorKind::UnexpectedEof, .. }
    ));
}

#[tokio::test]
async fn a_clean_eof_is_remote_closed() {
    let (session, peer) = raw(true, quiet());
    drop(peer);
    assert_eq!(session.closed().await, CloseReason::RemoteClosed);
    assert!(session.accept().await.is_none());
    let err = session.open().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::SessionClosed(CloseReason::RemoteClosed)));
}

#[tokio::test]
async fn bad_version_type_duplicate_and_wrong_parity_are_protocol_errors() {
    for bad in [
        [[1].as_slice(), &header(DATA, 0, 0, 0)[1..]].concat(),
        header(9, 0, 0, 0).to_vec(),
        [header(WINDOW_UPDATE, SYN, 1, 0), header(WINDOW_UPDATE, SYN, 1, 0)].concat(),
        header(WINDOW_UPDATE, SYN, 2, 0).to_vec(),
        [
            header(WINDOW_UPDATE, SYN, 1, 0),
            header(WINDOW_UPDATE, FIN, 1, 0),
            header(WINDOW_UPDATE, FIN, 1, 0),
        ]
        .concat(),
    ] {
        let (session, mut peer) = raw(true, quiet());
        peer.sock.write_all(&bad).await.unwrap();
        let reason = session.closed().await;
        assert!(matches!(reason, CloseReason::Protocol(_)), "{bad:02x?}: {reason:?}");
        // GO_AWAY(protocol error) is the last thing we send.
        let mut last = None;
        while let Some((frame, _)) = peer.next().await {
            last = Some(frame);
        }
        assert_eq!(last.map(|f| (f.ty, f.length)), Some((GO_AWAY, 1)), "{bad:02x?}");
    }
}

#[tokio::test]
async fn the_accept_backlog_resets_streams_beyond_it() {
    let (session, mut peer) = raw(true, quiet().with_accept_backlog(4));
    for id in [1, 3, 5, 7, 9] {
        peer.send(WINDOW_UPDATE, SYN, id, 0).await;
    }
    let (frame, _) = peer.next_non_ping().await.unwrap();
    assert_eq!(frame, RawFrame { ty: WINDOW_UPDATE, flags: RST, stream: 9, length: 0 });
    // The four in the backlog are acknowledged when accepted.
    let mut accepted = Vec::new();
    for id in [1, 3, 5, 7] {
        let stream = session.accept().await.unwrap();
        assert_eq!(stream.id(), id);
        accepted.push(stream);
        let (frame, _) = peer.next_non_ping().await.unwrap();
        assert_eq!(frame, RawFrame { ty: WINDOW_UPDATE, flags: ACK, stream: id, length: 0 });
    }
}

#[tokio::test]
async fn go_away_from_the_peer() {
    let (session, mut peer) = raw(false, quiet());
    peer.send(GO_AWAY, 0, 0, 0).await;
    peer.send(PING, SYN, 0, 1).await;
    let (answer, _) = peer.next().await.unwrap(); // the ping answer proves the GO_AWAY was read
    assert_eq!((answer.ty, answer.flags), (PING, ACK));
    let err = session.open().await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::RemoteGoAway);
    assert!(!session.is_closed());

    let (session, mut peer) = raw(false, quiet());
    peer.send(GO_AWAY, 0, 0, 2).await;
    assert_eq!(session.closed().await, CloseReason::RemoteGoAway(2));
}

#[tokio::test]
async fn our_go_away_resets_new_streams() {
    let (session, mut peer) = raw(true, quiet());
    session.go_away();
    let (frame, _) = peer.next().await.unwrap();
    assert_eq!((frame.ty, frame.length), (GO_AWAY, 0));
    peer.send(WINDOW_UPDATE, SYN, 1, 0).await;
    let (frame, _) = peer.next().await.unwrap();
    assert_eq!((frame.ty, frame.flags, frame.stream), (WINDOW_UPDATE, RST, 1));
}

#[tokio::test]
async fn an_unacknowledged_open_closes_the_session_after_the_open_timeout() {
    let (session, mut peer) = raw(false, quiet().with_stream_open_timeout(Some(Duration::from_millis(100))));
    let _stream = session.open().await.unwrap();
    let (syn, _) = peer.next().await.unwrap();
    assert_eq!(syn, RawFrame { ty: WINDOW_UPDATE, flags: SYN, stream: 1, length: 0 });
    assert_eq!(session.closed().await, CloseReason::OpenTimeout);
}

#[tokio::test]
async fn an_acknowledged_open_survives_the_open_timeout() {
    let (session, mut peer) = raw(false, quiet().with_stream_open_timeout(Some(Duration::from_millis(50))));
    let _stream = session.open().await.unwrap();
    peer.next().await.unwrap();
    peer.send(WINDOW_UPDATE, ACK, 1, 0).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(session.close_reason(), None);
}

#[tokio::test]
async fn a_peer_that_never_answers_our_fin_gets_a_reset_after_the_close_timeout() {
    let (session, mut peer) = raw(false, quiet().with_stream_close_timeout(Some(Duration::from_millis(100))));
    let mut stream = session.open().await.unwrap();
    peer.next().await.unwrap();
    peer.send(WINDOW_UPDATE, ACK, 1, 0).await;
    stream.shutdown().await.unwrap();
    let (fin, _) = peer.next().await.unwrap();
    assert_eq!((fin.flags, fin.stream), (FIN, 1));
    let (rst, _) = peer.next().await.unwrap();
    assert_eq!((rst.ty, rst.flags, rst.stream), (WINDOW_UPDATE, RST, 1));
    assert_eq!(session.num_streams(), 0);
}

#[tokio::test]
async fn closing_the_session_fails_pending_reads_on_both_sides() {
    let (client, server) = pair(quiet());
    let mut out = client.open().await.unwrap();
    out.write_all(b"hi").await.unwrap();
    let mut incoming = server.accept().await.unwrap();
    assert_eq!(read_n(&mut incoming, 2).await, b"hi");
    let pending_local = tokio::spawn(async move { out.read(&mut [0u8; 4]).await });
    let pending_remote = tokio::spawn(async move { incoming.read(&mut [0u8; 4]).await });
    client.close().await;
    assert_eq!(pending_local.await.unwrap().unwrap_err().kind(), std::io::ErrorKind::ConnectionAborted);
    assert_eq!(pending_remote.await.unwrap().unwrap_err().kind(), std::io::ErrorKind::ConnectionAborted);
    // EOF, or ECONNRESET when our socket closed with their last frames unread.
    assert!(server.closed().await.is_connection_lost());
    assert_eq!(client.close_reason(), Some(CloseReason::Local));
}

#[tokio::test]
async fn dropping_every_handle_closes_the_session() {
    let (client, server) = pair(quiet());
    let stream = client.open().await.unwrap();
    drop(client);
    assert!(server.accept().await.is_some(), "a stream keeps the session open");
    drop(stream);
    assert!(server.closed().await.is_connection_lost());
}
