//! The transport-neutral dispatch, as a net/rpc server drives it: typed prost requests in,
//! typed responses or failures out. The stock-only hooks (which no gRPC server calls) are
//! checked here: their defaults, their typed arguments and the encoding of their outcomes.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use mm_hooks::http::{HttpRequestPart, HttpRequestStream};
use mm_hooks::{
    CallOptions, Cancellation, Context, Decision, Dispatcher, Hook, HookError, HookFailureKind, Plugin,
    Protocol, Runtime, Verdict, requests,
};
use mm_proto::v1 as wire;
use mm_types::{
    Channel, ChannelId, ChannelMember, Draft, FileDownloadType, FileInfo, HttpRequestInit, Post,
    ScheduledPost, TeamMember, UserId,
};

/// A client that would connect on first use; these hooks never call the PluginAPI.
fn client() -> mm_hooks::Client {
    mm_hooks::Client::builder().target("127.0.0.1:9").unwrap().connect_lazy().unwrap()
}

fn dispatcher<P: Plugin>(plugin: P) -> Dispatcher<P> {
    Runtime::builder().client(client()).into_dispatcher(plugin).unwrap()
}

fn channel(name: &str) -> Channel {
    Channel { name: name.into(), id: ChannelId::from_raw("c".repeat(26)), ..Default::default() }
}

fn post(message: &str) -> Post {
    Post { message: message.into(), ..Default::default() }
}

struct Quiet;

#[mm_hooks::plugin]
impl Plugin for Quiet {}

/// Without an implementation, each stock-only hook answers what the server does when a plugin
/// lacks it: let the change through unchanged, keep the posts, 404 for metrics.
#[tokio::test]
async fn the_stock_only_hooks_default_to_what_the_server_does_without_them() {
    let d = dispatcher(Quiet);
    let call = || CallOptions::new();

    let r =
        d.call(requests::channel_member_will_be_added(None, ChannelMember::default()), call()).await.unwrap();
    assert_eq!((r.modified_member, r.rejection_reason), (None, String::new()));
    let r = d.call(requests::team_member_will_be_added(None, TeamMember::default()), call()).await.unwrap();
    assert_eq!((r.modified_member, r.rejection_reason), (None, String::new()));
    let r = d
        .call(requests::channel_will_be_updated(None, channel("new"), channel("old")), call())
        .await
        .unwrap();
    assert_eq!((r.modified_channel, r.rejection_reason), (None, String::new()));
    let r = d.call(requests::draft_will_be_upserted(None, Draft::default()), call()).await.unwrap();
    assert_eq!((r.modified_draft, r.rejection_reason), (None, String::new()));
    let r = d
        .call(requests::scheduled_post_will_be_created(None, ScheduledPost::default()), call())
        .await
        .unwrap();
    assert_eq!((r.modified_scheduled_post, r.rejection_reason), (None, String::new()));

    let r = d.call(requests::channel_will_be_archived(None, channel("a")), call()).await.unwrap();
    assert_eq!(r.rejection_reason, "");
    let r = d.call(requests::channel_will_be_restored(None, channel("a")), call()).await.unwrap();
    assert_eq!(r.rejection_reason, "");
    let download =
        requests::file_will_be_downloaded(None, FileInfo::default(), None, FileDownloadType::Public);
    assert_eq!(d.call(download, call()).await.unwrap().rejection_reason, "");

    let posts = vec![post("one"), post("two")];
    let r =
        d.call(requests::messages_will_be_consumed_with_context(None, posts.clone()), call()).await.unwrap();
    let wire_posts: Vec<wire::Post> = posts.into_iter().map(Into::into).collect();
    assert_eq!(r.posts, wire_posts);

    let mut response = d.serve_http(Hook::ServeMetrics, None, get("/metrics"), call()).await.unwrap();
    let first = response.next().await.unwrap().unwrap();
    assert_eq!(first.init.map(|i| i.status_code), Some(404));
}

fn get(url: &str) -> HttpRequestStream {
    let part = HttpRequestPart {
        init: Some(HttpRequestInit { method: "GET".into(), url: url.into(), ..Default::default() }),
        body_complete: true,
        ..Default::default()
    };
    HttpRequestStream::from_parts(futures_util::stream::iter([Ok(part)]))
}

/// A plugin of stock-only hooks that records what it got.
#[derive(Default)]
struct Gatekeeper {
    seen: Arc<Mutex<Vec<String>>>,
}

#[mm_hooks::plugin]
impl Plugin for Gatekeeper {
    async fn on_activate(&self, _cx: &Context) -> Result<(), HookError> {
        Ok(())
    }

    async fn channel_will_be_archived(&self, cx: &Context, channel: Channel) -> Verdict {
        let session = cx.plugin_context().and_then(|pc| pc.session_id.as_ref()).map(|s| s.to_string());
        self.seen.lock().unwrap().push(format!(
            "archive {} session={}",
            channel.name,
            session.unwrap_or_default()
        ));
        Verdict::reject("not this one")
    }

    async fn file_will_be_downloaded(
        &self,
        _cx: &Context,
        info: FileInfo,
        user_id: Option<UserId>,
        download_type: FileDownloadType,
    ) -> Verdict {
        let user = user_id.map_or_else(|| "public".to_owned(), |u| u.to_string());
        self.seen.lock().unwrap().push(format!("download {} {user} {download_type:?}", info.name));
        Verdict::Allow
    }

    async fn channel_member_will_be_added(
        &self,
        _cx: &Context,
        mut member: ChannelMember,
    ) -> Decision<ChannelMember> {
        member.roles = "channel_user".into();
        Decision::Replace(member)
    }

    async fn draft_will_be_upserted(&self, _cx: &Context, draft: Draft) -> Decision<Draft> {
        if draft.message.is_empty() { panic!("an empty draft") } else { Decision::Allow }
    }

    async fn serve_metrics(
        &self,
        _cx: &Context,
        _request: HttpRequestStream,
    ) -> Result<mm_hooks::http::HttpResponseStream, HookError> {
        Err(HookError::msg("metrics are off"))
    }
}

#[tokio::test]
async fn implemented_lists_the_stock_only_hooks_for_net_rpc_only() {
    let d = dispatcher(Gatekeeper::default());
    let grpc: Vec<Hook> = d.implemented(Protocol::Grpc).collect();
    assert_eq!(grpc, [Hook::OnActivate]);
    let net_rpc: Vec<Hook> = d.implemented(Protocol::NetRpc).collect();
    assert_eq!(
        net_rpc,
        [
            Hook::OnActivate,
            Hook::ChannelWillBeArchived,
            Hook::FileWillBeDownloaded,
            Hook::ChannelMemberWillBeAdded,
            Hook::DraftWillBeUpserted,
            Hook::ServeMetrics,
        ]
    );
}

#[tokio::test]
async fn stock_hooks_get_typed_arguments_and_their_outcomes_are_encoded() {
    let plugin = Gatekeeper::default();
    let seen = plugin.seen.clone();
    let d = dispatcher(plugin);
    let plugin_context = mm_types::PluginContext {
        session_id: Some(mm_types::SessionId::from_raw("s".repeat(26))),
        ..Default::default()
    };
    let r =
        d.call(requests::channel_will_be_archived(Some(plugin_context), channel("town")), CallOptions::new());
    assert_eq!(r.await.unwrap().rejection_reason, "not this one");

    // A public link has no user: the empty Go string is `None`; unknown types are kept.
    let mut download = requests::file_will_be_downloaded(
        None,
        FileInfo { name: "a.png".into(), ..Default::default() },
        None,
        FileDownloadType::Public,
    );
    assert_eq!((download.user_id.as_str(), download.download_type.as_str()), ("", "public"));
    d.call(download.clone(), CallOptions::new()).await.unwrap();
    download.user_id = "u".repeat(26);
    download.download_type = "hologram".into();
    d.call(download, CallOptions::new()).await.unwrap();

    let r =
        d.call(requests::channel_member_will_be_added(None, ChannelMember::default()), CallOptions::new());
    assert_eq!(r.await.unwrap().modified_member.map(|m| m.roles), Some("channel_user".to_owned()));

    let u = "u".repeat(26);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            format!("archive town session={}", "s".repeat(26)),
            "download a.png public Public".to_owned(),
            format!("download a.png {u} Other(\"hologram\")"),
        ]
    );
}

#[tokio::test]
async fn failures_say_what_went_wrong_for_any_transport() {
    let d = dispatcher(Gatekeeper::default());

    // A required sub-message that is missing names the field.
    let missing = wire::ChannelWillBeArchivedRequest::default();
    let failure = d.call(missing, CallOptions::new()).await.unwrap_err();
    assert!(matches!(failure.kind(), HookFailureKind::InvalidArgument(_)));
    assert_eq!(
        (failure.hook(), failure.to_string().as_str()),
        (Hook::ChannelWillBeArchived, "channel is required")
    );

    // A panic fails the call (a decision has no error field), and the dispatcher keeps serving.
    let failure = d.call(requests::draft_will_be_upserted(None, Draft::default()), CallOptions::new()).await;
    let failure = failure.unwrap_err();
    assert!(matches!(failure.kind(), HookFailureKind::Panicked(_)), "{failure:?}");
    assert_eq!(failure.to_string(), "hook DraftWillBeUpserted panicked: an empty draft");
    let draft = Draft { message: "hi".into(), ..Default::default() };
    assert!(d.call(requests::draft_will_be_upserted(None, draft), CallOptions::new()).await.is_ok());

    // ServeMetrics' error fails the call before any part.
    let failure =
        d.serve_http(Hook::ServeMetrics, None, get("/metrics"), CallOptions::new()).await.err().unwrap();
    assert_eq!(failure.to_string(), "hook ServeMetrics failed: metrics are off");
    let failure = d.serve_http(Hook::OnActivate, None, get("/"), CallOptions::new()).await.err().unwrap();
    assert!(matches!(failure.kind(), HookFailureKind::InvalidArgument(_)));
}

/// A plugin whose hook waits until it is stopped.
struct Slow;

#[mm_hooks::plugin]
impl Plugin for Slow {
    async fn channel_will_be_restored(&self, cx: &Context, _channel: Channel) -> Verdict {
        cx.cancelled().await;
        Verdict::Allow
    }
}

#[tokio::test]
async fn the_deadline_and_the_callers_cancellation_stop_a_call() {
    let d = dispatcher(Slow);
    let past = CallOptions::new().deadline(Instant::now());
    let failure = d.call(requests::channel_will_be_restored(None, channel("x")), past).await.unwrap_err();
    assert!(matches!(failure.kind(), HookFailureKind::DeadlineExceeded(_)), "{failure:?}");

    let cancellation = Cancellation::new();
    let options = CallOptions::new()
        .cancellation(cancellation.clone())
        .deadline(Instant::now() + Duration::from_secs(600));
    let call = tokio::spawn({
        let d = d.clone();
        async move { d.call(requests::channel_will_be_restored(None, channel("x")), options).await }
    });
    cancellation.cancel();
    let failure = call.await.unwrap().unwrap_err();
    assert!(matches!(failure.kind(), HookFailureKind::Cancelled), "{failure:?}");
}
