//! Reach entries: server log lines and audit records.

use mm_types::convert::IntoWire;
use mm_types::wire;

use super::{Reach, fx};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.log();
    r.check(
        "LogDebug",
        g.debug("LogDebug.msg", vec![fx::key_value_pair(), fx::key_value_pair()]),
        wire::LogDebugRequest {
            msg: "LogDebug.msg".into(),
            key_value_pairs: vec![fx::key_value_pair(), fx::key_value_pair()].into_wire(),
        },
    )
    .await;
    r.check(
        "LogInfo",
        g.info("LogInfo.msg", vec![fx::key_value_pair(), fx::key_value_pair()]),
        wire::LogInfoRequest {
            msg: "LogInfo.msg".into(),
            key_value_pairs: vec![fx::key_value_pair(), fx::key_value_pair()].into_wire(),
        },
    )
    .await;
    r.check(
        "LogError",
        g.error("LogError.msg", vec![fx::key_value_pair(), fx::key_value_pair()]),
        wire::LogErrorRequest {
            msg: "LogError.msg".into(),
            key_value_pairs: vec![fx::key_value_pair(), fx::key_value_pair()].into_wire(),
        },
    )
    .await;
    r.check(
        "LogWarn",
        g.warn("LogWarn.msg", vec![fx::key_value_pair(), fx::key_value_pair()]),
        wire::LogWarnRequest {
            msg: "LogWarn.msg".into(),
            key_value_pairs: vec![fx::key_value_pair(), fx::key_value_pair()].into_wire(),
        },
    )
    .await;
    r.check(
        "LogAuditRec",
        g.audit(fx::audit_record()),
        wire::LogAuditRecRequest { record: Some(fx::audit_record().into_wire()) },
    )
    .await;
    r.check(
        "LogAuditRecWithLevel",
        g.audit_with_level(fx::audit_record(), "LogAuditRecWithLevel.level"),
        wire::LogAuditRecWithLevelRequest {
            record: Some(fx::audit_record().into_wire()),
            level: "LogAuditRecWithLevel.level".into(),
        },
    )
    .await;
}
