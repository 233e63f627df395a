//! How a hook's outcome becomes its response message: one [`IntoHookResponse`] impl per
//! (outcome, response) pair, written from the shape the [hook table](crate::table) names, or by
//! hand below for the outcomes with a shape of their own.

use mm_proto::v1 as wire;
use mm_types::convert::IntoWire;

use crate::failure::{HookFailure, HookFailureKind};
use crate::hook::Hook;
use crate::outcome::DISMISS_POST_REASON;
use crate::table::hook_table;
use crate::table::names::*;

/// Turns what a hook returned into its response `R`, or into a failure of the whole call.
pub(crate) trait IntoHookResponse<R>: Sized {
    /// The response for the outcome.
    fn into_response(self, hook: Hook) -> Result<R, HookFailure>;

    /// The response when the hook panicked: by default the call fails; responses with an
    /// `AppError` field carry the panic there instead.
    fn panicked(hook: Hook, message: String) -> Result<R, HookFailure> {
        Err(HookFailure::new(hook, HookFailureKind::Panicked(message)))
    }
}

/// Writes the `IntoHookResponse` impl of each hook whose table entry names a shape.
macro_rules! define_responses {
    ($({ $variant:ident, $rpc:literal, $on:ident, $method:ident, $args:tt, $out:tt, $default:tt, $docs:tt, $kind:tt })*) => {
        $(shape! { $out; $kind })*
    };
}

/// One impl for a unary entry's shape; nothing for `custom` and streams.
macro_rules! shape {
    ($out:ty; (stream;)) => {};
    ($out:ty; (unary $req:ident($($pc:ident)?) -> $resp:ident as custom $(, via $via:ident)?;)) => {};
    ($out:ty; (unary $req:ident($($pc:ident)?) -> $resp:ident as empty $(, via $via:ident)?;)) => {
        impl IntoHookResponse<wire::$resp> for $out {
            fn into_response(self, hook: Hook) -> Result<wire::$resp, HookFailure> {
                self.map(|()| wire::$resp::default()).map_err(|e| failed(hook, e))
            }
        }
    };
    ($out:ty; (unary $req:ident($($pc:ident)?) -> $resp:ident as error $(, via $via:ident)?;)) => {
        impl IntoHookResponse<wire::$resp> for $out {
            fn into_response(self, hook: Hook) -> Result<wire::$resp, HookFailure> {
                Ok(wire::$resp { error: app_error(hook, self.err()) })
            }
            fn panicked(hook: Hook, message: String) -> Result<wire::$resp, HookFailure> {
                <$out as IntoHookResponse<wire::$resp>>::into_response(Err(hook_panicked(message)), hook)
            }
        }
    };
    ($out:ty; (unary $req:ident($($pc:ident)?) -> $resp:ident as error($field:ident $(: $wrap:ident)?)
        $(, via $via:ident)?;)) => {
        impl IntoHookResponse<wire::$resp> for $out {
            fn into_response(self, hook: Hook) -> Result<wire::$resp, HookFailure> {
                Ok(match self {
                    Ok(value) => wire::$resp { error: None, $field: $($wrap)?(value.into_wire()) },
                    Err(e) => wire::$resp { error: app_error(hook, Some(e)), ..Default::default() },
                })
            }
            fn panicked(hook: Hook, message: String) -> Result<wire::$resp, HookFailure> {
                <$out as IntoHookResponse<wire::$resp>>::into_response(Err(hook_panicked(message)), hook)
            }
        }
    };
    ($out:ty; (unary $req:ident($($pc:ident)?) -> $resp:ident as decision($field:ident) $(, via $via:ident)?;)) => {
        impl IntoHookResponse<wire::$resp> for $out {
            fn into_response(self, _hook: Hook) -> Result<wire::$resp, HookFailure> {
                Ok(match self {
                    Decision::Allow => wire::$resp::default(),
                    Decision::Replace(value) => wire::$resp { $field: Some(value.into_wire()), ..Default::default() },
                    Decision::Reject(rejection_reason) => wire::$resp { rejection_reason, ..Default::default() },
                })
            }
        }
    };
    ($out:ty; (unary $req:ident($($pc:ident)?) -> $resp:ident as rejection $(, via $via:ident)?;)) => {
        impl IntoHookResponse<wire::$resp> for $out {
            fn into_response(self, _hook: Hook) -> Result<wire::$resp, HookFailure> {
                let rejection_reason = match self {
                    Verdict::Allow => String::new(),
                    Verdict::Reject(reason) => reason,
                };
                Ok(wire::$resp { rejection_reason })
            }
        }
    };
    ($out:ty; (unary $req:ident($($pc:ident)?) -> $resp:ident as value($field:ident) $(, via $via:ident)?;)) => {
        impl IntoHookResponse<wire::$resp> for $out {
            fn into_response(self, _hook: Hook) -> Result<wire::$resp, HookFailure> {
                Ok(wire::$resp { $field: self.into_wire() })
            }
        }
    };
}

hook_table!(define_responses);

/// A "has been" hook's error: the response has no field for it, so the call fails.
fn failed(hook: Hook, error: HookError) -> HookFailure {
    tracing::warn!(hook = hook.rpc_name(), error = %error, "hook failed");
    HookFailure::new(hook, HookFailureKind::Failed(error))
}

/// The response's `AppError` for a hook's error (id `plugin.<hook>.error` unless it is one).
fn app_error(hook: Hook, error: Option<HookError>) -> Option<wire::AppError> {
    error.map(|e| {
        tracing::warn!(hook = hook.rpc_name(), error = %e, "hook failed");
        e.into_app_error(&hook.error_id()).into()
    })
}

/// The error a panic becomes in a response with an `AppError` field.
fn hook_panicked(message: String) -> HookError {
    HookError::msg(format!("hook panicked: {message}"))
}

impl IntoHookResponse<wire::MessageWillBePostedResponse> for PostDecision {
    fn into_response(self, _hook: Hook) -> Result<wire::MessageWillBePostedResponse, HookFailure> {
        let (modified_post, rejection_reason) = match self {
            PostDecision::Allow => (None, String::new()),
            PostDecision::Replace(post) => (Some(post.into()), String::new()),
            PostDecision::Reject(reason) => (None, reason),
            PostDecision::Dismiss => (None, DISMISS_POST_REASON.to_owned()),
        };
        Ok(wire::MessageWillBePostedResponse { modified_post, rejection_reason })
    }
}

impl IntoHookResponse<wire::FileWillBeUploadedResponse> for FileDecision {
    fn into_response(self, _hook: Hook) -> Result<wire::FileWillBeUploadedResponse, HookFailure> {
        Ok(match self {
            FileDecision::Allow => wire::FileWillBeUploadedResponse::default(),
            FileDecision::Replace { info, content } => wire::FileWillBeUploadedResponse {
                modified_file_info: Some(info.into()),
                modified_content: content,
                rejection_reason: String::new(),
            },
            FileDecision::Reject(rejection_reason) => {
                wire::FileWillBeUploadedResponse { rejection_reason, ..Default::default() }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use mm_types::AppError;

    use super::*;

    fn respond<O: IntoHookResponse<R>, R>(hook: Hook, outcome: O) -> R {
        outcome.into_response(hook).expect("a response")
    }

    #[test]
    fn errors_become_app_errors_with_the_hook_id() {
        let r: wire::RunDataRetentionResponse =
            respond(Hook::RunDataRetention, Err::<i64, _>(HookError::msg("disk full")));
        let error = r.error.expect("an AppError");
        assert_eq!(
            (error.id.as_str(), error.message.as_str(), r.deleted_count),
            ("plugin.run_data_retention.error", "disk full", 0)
        );
        let app = AppError::new("plugin.demo.nope", "Nope.").with_status(403);
        let r: wire::OnActivateResponse = respond(Hook::OnActivate, Err::<(), _>(HookError::app(app)));
        let error = r.error.expect("an AppError");
        assert_eq!((error.id.as_str(), error.status_code), ("plugin.demo.nope", 403));
        let r: wire::RunDataRetentionResponse = respond(Hook::RunDataRetention, Ok::<i64, HookError>(7));
        assert_eq!((r.error, r.deleted_count), (None, 7));
    }

    #[test]
    fn a_panic_is_an_app_error_where_the_response_has_one_and_a_failure_elsewhere() {
        let r =
            <Result<CommandResponse, HookError> as IntoHookResponse<wire::ExecuteCommandResponse>>::panicked(
                Hook::ExecuteCommand,
                "boom".into(),
            )
            .expect("a response");
        assert_eq!(r.error.map(|e| e.message), Some("hook panicked: boom".to_owned()));
        assert_eq!(r.response, None);
        let failure = <PostDecision as IntoHookResponse<wire::MessageWillBePostedResponse>>::panicked(
            Hook::MessageWillBePosted,
            "boom".into(),
        )
        .unwrap_err();
        assert_eq!(failure.to_string(), "hook MessageWillBePosted panicked: boom");
    }

    #[test]
    fn a_void_hooks_error_fails_the_call() {
        let failure =
            <Result<(), HookError> as IntoHookResponse<wire::MessageHasBeenPostedResponse>>::into_response(
                Err(HookError::msg("db down")),
                Hook::MessageHasBeenPosted,
            )
            .unwrap_err();
        assert_eq!(failure.to_string(), "hook MessageHasBeenPosted failed: db down");
    }

    #[test]
    fn decisions_and_verdicts_fill_the_replacement_or_the_reason() {
        let post = Post { message: "changed".into(), ..Default::default() };
        let r: wire::MessageWillBeUpdatedResponse =
            respond(Hook::MessageWillBeUpdated, Decision::Replace(post));
        assert_eq!(
            (r.modified_post.map(|p| p.message), r.rejection_reason),
            (Some("changed".into()), String::new())
        );
        let r: wire::ChannelMemberWillBeAddedResponse =
            respond(Hook::ChannelMemberWillBeAdded, Decision::<ChannelMember>::reject("full"));
        assert_eq!((r.modified_member, r.rejection_reason.as_str()), (None, "full"));
        let r: wire::ChannelWillBeArchivedResponse =
            respond(Hook::ChannelWillBeArchived, Verdict::reject("no"));
        assert_eq!(r.rejection_reason, "no");
        let r: wire::UserWillLogInResponse = respond(Hook::UserWillLogIn, LoginDecision::Allow);
        assert_eq!(r.rejection_reason, "");
        let r: wire::MessageWillBePostedResponse = respond(Hook::MessageWillBePosted, PostDecision::Dismiss);
        assert_eq!(r.rejection_reason, DISMISS_POST_REASON);
        let r: wire::FileWillBeUploadedResponse = respond(
            Hook::FileWillBeUploaded,
            FileDecision::Replace {
                info: FileInfo { name: "x".into(), ..Default::default() },
                content: "b".into(),
            },
        );
        assert_eq!(
            (r.modified_file_info.map(|i| i.name), r.modified_content.as_ref()),
            (Some("x".into()), &b"b"[..])
        );
    }
}
