//! Reach entries: server version, license, install date, telemetry ids and cloud limits.

use mm_types::wire;

use super::{Reach, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.system();
    r.check("GetLicense", g.license(), wire::GetLicenseRequest {}).await;
    r.check("IsEnterpriseReady", g.is_enterprise_ready(), wire::IsEnterpriseReadyRequest {}).await;
    r.check("GetServerVersion", g.server_version(), wire::GetServerVersionRequest {}).await;
    r.check("GetSystemInstallDate", g.install_date(), wire::GetSystemInstallDateRequest {}).await;
    r.check("GetDiagnosticId", g.diagnostic_id(), wire::GetDiagnosticIdRequest {}).await;
    r.check("GetTelemetryId", g.telemetry_id(), wire::GetTelemetryIdRequest {}).await;
    r.check("GetCloudLimits", g.cloud_limits(), wire::GetCloudLimitsRequest {}).await;
    r.check(
        "RequestTrialLicense",
        g.request_trial_license(&id("RequestTrialLicense.requester_id"), 101).accept_terms().receive_emails(),
        wire::RequestTrialLicenseRequest {
            requester_id: "RequestTrialLicense.requester_id".into(),
            users: 101,
            terms_accepted: true,
            receive_emails_accepted: true,
        },
    )
    .await;
}
