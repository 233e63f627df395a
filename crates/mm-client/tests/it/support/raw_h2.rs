//! A PluginAPI server speaking raw HTTP/2, to fail calls the way a stressed server does:
//! drop the connection under a call, answer it with GOAWAY, or refuse its stream. Each
//! request is numbered across connections; [`Plan`] says what happens to each number.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::{BufMut, Bytes, BytesMut};
use h2::Reason;
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehave {
    /// Closes the TCP connection after reading the request, without a word.
    DropConnection,
    /// Sends GOAWAY (`ENHANCE_YOUR_CALM`, as h2's rapid-reset guard) and closes.
    GoAway,
    /// Resets the stream with `REFUSED_STREAM` (the request was not processed).
    RefuseStream,
    /// Answers gRPC OK with the planned message.
    Answer,
}

/// What happens to request number `n` (from 0).
pub type Plan = fn(usize) -> Misbehave;

/// A running raw server; dropped with the test's runtime.
pub struct RawServer {
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    /// Starts it; every answered request gets `answer` (an encoded protobuf message).
    pub async fn start(plan: Plan, answer: Bytes) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve_connection(socket, plan, answer.clone(), Arc::clone(&counter)));
            }
        });
        RawServer { addr, requests }
    }

    /// The client's target.
    pub fn target(&self) -> String {
        self.addr.to_string()
    }

    /// How many requests arrived.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn serve_connection(
    socket: tokio::net::TcpStream,
    plan: Plan,
    answer: Bytes,
    counter: Arc<AtomicUsize>,
) {
    let Ok(mut connection) = h2::server::handshake(socket).await else { return };
    while let Some(Ok((request, mut respond))) = connection.accept().await {
        // The whole (unary) request body first, so the call is surely in the server's hands.
        let mut body = request.into_body();
        while let Some(chunk) = body.data().await {
            let Ok(chunk) = chunk else { break };
            let _ = body.flow_control().release_capacity(chunk.len());
        }
        match plan(counter.fetch_add(1, Ordering::SeqCst)) {
            Misbehave::DropConnection => return,
            Misbehave::GoAway => {
                connection.abrupt_shutdown(Reason::ENHANCE_YOUR_CALM);
                // Drive the connection until the GOAWAY is out and it closes.
                while connection.accept().await.is_some() {}
                return;
            }
            Misbehave::RefuseStream => respond.send_reset(Reason::REFUSED_STREAM),
            Misbehave::Answer => {
                let head = http::Response::builder()
                    .status(200)
                    .header("content-type", "application/grpc")
                    .body(())
                    .unwrap();
                let Ok(mut stream) = respond.send_response(head, false) else { continue };
                let mut frame = BytesMut::with_capacity(5 + answer.len());
                frame.put_u8(0);
                frame.put_u32(u32::try_from(answer.len()).unwrap());
                frame.put_slice(&answer);
                let _ = stream.send_data(frame.freeze(), false);
                let mut trailers = http::HeaderMap::new();
                trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
                let _ = stream.send_trailers(trailers);
            }
        }
    }
}
