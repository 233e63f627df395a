//! Server information, license, telemetry.

use mattermost_plugin::types::UserId;

use super::{Entry, e, one, unit};

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("GetLicense", |c, _| one(args![], c.system().license())),
        e("IsEnterpriseReady", |c, _| one(args![], c.system().is_enterprise_ready())),
        e("GetServerVersion", |c, _| one(args![], c.system().server_version())),
        e("GetSystemInstallDate", |c, _| one(args![], c.system().install_date())),
        e("GetDiagnosticId", |c, _| one(args![], c.system().diagnostic_id())),
        e("GetTelemetryId", |c, _| one(args![], c.system().telemetry_id())),
        e("GetCloudLimits", |c, _| one(args![], c.system().cloud_limits())),
        e("RequestTrialLicense", |c, v| {
            let user: UserId = v.id(0);
            unit(
                args![user, 25, true, true],
                c.system().request_trial_license(&user, 25).accept_terms().receive_emails().send(),
            )
        }),
    ]
}
