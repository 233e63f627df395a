//! Session settings, with hashicorp/yamux's defaults (`DefaultConfig`).

use std::time::Duration;

/// Settings of a [`Session`](super::Session).
///
/// The defaults are those of hashicorp/yamux v0.1.2, which every go-plugin peer uses; change
/// them only for tests. Stream windows are not configurable: Go peers enforce 256 KiB.
///
/// ```
/// use std::time::Duration;
/// use mm_netrpc::yamux::Config;
///
/// let config = Config::default().with_keepalive_interval(Some(Duration::from_millis(200)));
/// assert_eq!(config.keepalive_interval(), Some(Duration::from_millis(200)));
/// assert_eq!(config.accept_backlog(), 256);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    accept_backlog: usize,
    keepalive_interval: Option<Duration>,
    ping_timeout: Duration,
    write_timeout: Duration,
    stream_open_timeout: Option<Duration>,
    stream_close_timeout: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            accept_backlog: 256,
            keepalive_interval: Some(Duration::from_secs(30)),
            ping_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            stream_open_timeout: Some(Duration::from_secs(75)),
            stream_close_timeout: Some(Duration::from_secs(300)),
        }
    }
}

impl Config {
    /// How many incoming streams may wait for [`Session::accept`](super::Session::accept);
    /// beyond it new streams are reset (default 256). It also bounds how many of our own
    /// opened streams may wait for the peer's acknowledgement at once.
    pub fn with_accept_backlog(mut self, backlog: usize) -> Self {
        self.accept_backlog = backlog.max(1);
        self
    }

    /// How often to ping the peer; `None` disables keepalive (default 30 s).
    pub fn with_keepalive_interval(mut self, interval: Option<Duration>) -> Self {
        self.keepalive_interval = interval.filter(|d| !d.is_zero());
        self
    }

    /// How long a ping may wait for its answer before the session is closed (default 10 s,
    /// Go's `ConnectionWriteTimeout`).
    pub fn with_ping_timeout(mut self, timeout: Duration) -> Self {
        self.ping_timeout = timeout;
        self
    }

    /// How long a write to the connection may make no progress before the session is closed
    /// (default 10 s).
    pub fn with_write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// How long a stream we opened may wait for the peer's ACK before the whole session is
    /// closed, as Go does (default 75 s); `None` waits forever.
    pub fn with_stream_open_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_open_timeout = timeout;
        self
    }

    /// How long a stream we half-closed may wait for the peer's FIN before it is reset
    /// (default 5 min); `None` waits forever.
    pub fn with_stream_close_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_close_timeout = timeout;
        self
    }

    /// See [`with_accept_backlog`](Self::with_accept_backlog).
    pub fn accept_backlog(&self) -> usize {
        self.accept_backlog
    }

    /// See [`with_keepalive_interval`](Self::with_keepalive_interval).
    pub fn keepalive_interval(&self) -> Option<Duration> {
        self.keepalive_interval
    }

    /// See [`with_ping_timeout`](Self::with_ping_timeout).
    pub fn ping_timeout(&self) -> Duration {
        self.ping_timeout
    }

    /// See [`with_write_timeout`](Self::with_write_timeout).
    pub fn write_timeout(&self) -> Duration {
        self.write_timeout
    }

    /// See [`with_stream_open_timeout`](Self::with_stream_open_timeout).
    pub fn stream_open_timeout(&self) -> Option<Duration> {
        self.stream_open_timeout
    }

    /// See [`with_stream_close_timeout`](Self::with_stream_close_timeout).
    pub fn stream_close_timeout(&self) -> Option<Duration> {
        self.stream_close_timeout
    }
}
