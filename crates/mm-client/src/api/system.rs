//! Server version, license, install date, telemetry ids and cloud limits.

use bytes::Bytes;
use mm_types::{ProductLimits, RawJson, Timestamp, UserId, wire};

use crate::client::ApiClient;
use crate::mode::Mode;

/// Server version, license, install date, telemetry ids and cloud limits: `client.system()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// let version = client.system().server_version().await?;
/// let enterprise = client.system().is_enterprise_ready().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct System<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Server version, license, install date, telemetry ids and cloud limits.
    pub fn system(&self) -> System<'_, M> {
        System { client: self }
    }
}

impl<'a, M: Mode> System<'a, M> {
    /// The server's license as JSON, `None` without a license (`GetLicense`).
    pub fn license(&self) -> M::Output<Option<RawJson>> {
        let request = wire::GetLicenseRequest {};
        self.client.call(request, |r| Ok(license(r.license_json)))
    }

    /// Whether the server is an Enterprise Edition build (`IsEnterpriseReady`).
    pub fn is_enterprise_ready(&self) -> M::Output<bool> {
        let request = wire::IsEnterpriseReadyRequest {};
        self.client.call(request, |r| Ok(r.is_enterprise_ready))
    }

    /// The server version, such as `10.5.0` (`GetServerVersion`).
    pub fn server_version(&self) -> M::Output<String> {
        let request = wire::GetServerVersionRequest {};
        self.client.call(request, |r| Ok(r.version))
    }

    /// When the server was installed (`GetSystemInstallDate`).
    pub fn install_date(&self) -> M::Output<Timestamp> {
        let request = wire::GetSystemInstallDateRequest {};
        self.client.call(request, |r| Ok(Timestamp::from_millis(r.install_date)))
    }

    /// The server's diagnostic id (`GetDiagnosticId`).
    pub fn diagnostic_id(&self) -> M::Output<String> {
        let request = wire::GetDiagnosticIdRequest {};
        self.client.call(request, |r| Ok(r.diagnostic_id))
    }

    /// The server's telemetry id (`GetTelemetryId`).
    pub fn telemetry_id(&self) -> M::Output<String> {
        let request = wire::GetTelemetryIdRequest {};
        self.client.call(request, |r| Ok(r.telemetry_id))
    }

    /// The product limits of a Cloud workspace (empty elsewhere) (`GetCloudLimits`).
    pub fn cloud_limits(&self) -> M::Output<ProductLimits> {
        let request = wire::GetCloudLimitsRequest {};
        self.client.call(request, |r| cloud_limits(r.limits_json))
    }

    /// Requests a trial license for `users` users, on behalf of `requester`
    /// (`RequestTrialLicense`); finish with `.send()` or `.await`. The terms are not accepted
    /// and e-mails not wanted unless the builder says so.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, admin: mm_types::UserId) -> mm_client::Result<()> {
    /// client.system().request_trial_license(&admin, 50).accept_terms().await?;
    /// # Ok(()) }
    /// ```
    pub fn request_trial_license(&self, requester: &UserId, users: i32) -> RequestTrialLicense<'a, M> {
        RequestTrialLicense {
            client: self.client,
            request: wire::RequestTrialLicenseRequest {
                requester_id: requester.to_string(),
                users,
                terms_accepted: false,
                receive_emails_accepted: false,
            },
        }
    }
}

/// A trial license request ([`System::request_trial_license`], `RequestTrialLicense`).
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct RequestTrialLicense<'a, M: Mode> {
    client: &'a ApiClient<M>,
    request: wire::RequestTrialLicenseRequest,
}

impl<M: Mode> RequestTrialLicense<'_, M> {
    /// The requester accepts the trial license's terms (the server refuses a trial without).
    pub fn accept_terms(mut self) -> Self {
        self.request.terms_accepted = true;
        self
    }

    /// The requester agrees to receive e-mails about the trial.
    pub fn receive_emails(mut self) -> Self {
        self.request.receive_emails_accepted = true;
        self
    }

    /// Sends the request.
    pub fn send(self) -> M::Output<()> {
        self.client.call(self.request, |_| Ok(()))
    }
}

awaitable_builder!(RequestTrialLicense, ());

/// The license JSON; the server sends nothing (or `null`) without a license.
fn license(bytes: Bytes) -> Option<RawJson> {
    let trimmed = bytes.trim_ascii();
    (!trimmed.is_empty() && trimmed != b"null").then(|| RawJson::from_bytes(bytes))
}

/// The product limits JSON; nothing (or `null`) means no limits.
fn cloud_limits(bytes: Bytes) -> crate::Result<ProductLimits> {
    match license(bytes) {
        None => Ok(ProductLimits::default()),
        Some(raw) => raw.parse().map_err(crate::Error::from),
    }
}
