//! Server log lines and audit records.

use mm_types::convert::IntoWire;
use mm_types::{AuditRecord, KeyValuePair, wire};

use crate::client::ApiClient;
use crate::mode::Mode;

/// Server log lines and audit records: `client.log()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// use mm_types::KeyValuePair;
/// client.log().info("export finished", vec![KeyValuePair::new("rows", 42)]).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Logs<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Server log lines and audit records.
    pub fn log(&self) -> Logs<'_, M> {
        Logs { client: self }
    }
}

impl<M: Mode> Logs<'_, M> {
    /// Writes a DEBUG line to the server log, with fields (`LogDebug`).
    pub fn debug(&self, message: &str, fields: Vec<KeyValuePair>) -> M::Output<()> {
        let request = wire::LogDebugRequest { msg: message.to_owned(), key_value_pairs: fields.into_wire() };
        self.client.call(request, |_| Ok(()))
    }

    /// Writes an INFO line to the server log, with fields (`LogInfo`).
    pub fn info(&self, message: &str, fields: Vec<KeyValuePair>) -> M::Output<()> {
        let request = wire::LogInfoRequest { msg: message.to_owned(), key_value_pairs: fields.into_wire() };
        self.client.call(request, |_| Ok(()))
    }

    /// Writes an ERROR line to the server log, with fields (`LogError`).
    pub fn error(&self, message: &str, fields: Vec<KeyValuePair>) -> M::Output<()> {
        let request = wire::LogErrorRequest { msg: message.to_owned(), key_value_pairs: fields.into_wire() };
        self.client.call(request, |_| Ok(()))
    }

    /// Writes a WARN line to the server log, with fields (`LogWarn`).
    pub fn warn(&self, message: &str, fields: Vec<KeyValuePair>) -> M::Output<()> {
        let request = wire::LogWarnRequest { msg: message.to_owned(), key_value_pairs: fields.into_wire() };
        self.client.call(request, |_| Ok(()))
    }

    /// Writes an audit record (`LogAuditRec`).
    pub fn audit(&self, record: AuditRecord) -> M::Output<()> {
        let request = wire::LogAuditRecRequest { record: Some(record.into_wire()) };
        self.client.call(request, |_| Ok(()))
    }

    /// Writes an audit record at a level (`"content"`, `"api"`, `"perms"`, `"cli"`...) (`LogAuditRecWithLevel`).
    pub fn audit_with_level(&self, record: AuditRecord, level: &str) -> M::Output<()> {
        let request =
            wire::LogAuditRecWithLevelRequest { record: Some(record.into_wire()), level: level.to_owned() };
        self.client.call(request, |_| Ok(()))
    }
}
