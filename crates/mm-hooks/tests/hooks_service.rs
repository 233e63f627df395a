//! The hooks service without a listener (`RuntimeBuilder::into_hooks_service`): a tonic client
//! drives it in memory and gets the same answers a served plugin gives.

mod support;

use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_types::{CommandArgs, CommandResponse, Post};

use mm_hooks::{Context, HookError, PostDecision};

struct Shouter;

#[mm_hooks::plugin]
impl mm_hooks::Plugin for Shouter {
    async fn message_will_be_posted(&self, _cx: &Context, mut post: Post) -> PostDecision {
        post.message = post.message.to_uppercase();
        PostDecision::Replace(post)
    }
}

#[tokio::test]
async fn the_hooks_service_answers_in_memory_like_the_served_plugin() {
    // Nothing listens there: MessageWillBePosted never calls the PluginAPI.
    let client = mm_hooks::Client::builder().target("127.0.0.1:9").unwrap().connect_lazy().unwrap();
    let service = mm_hooks::Runtime::builder().client(client).into_hooks_service(Shouter).unwrap();
    let mut hooks = PluginHooksClient::new(service);

    let implemented = hooks.implemented(wire::ImplementedRequest::default()).await.unwrap().into_inner();
    assert_eq!(implemented.hooks, ["MessageWillBePosted"]);

    let post = wire::Post { message: "quiet please".into(), ..wire::Post::default() };
    let request = wire::MessageWillBePostedRequest { post: Some(post), ..Default::default() };
    let answer = hooks.message_will_be_posted(request).await.unwrap().into_inner();
    assert_eq!(answer.modified_post.unwrap().message, "QUIET PLEASE");
    assert_eq!(answer.rejection_reason, "");

    let missing = hooks.message_will_be_posted(wire::MessageWillBePostedRequest::default()).await;
    assert_eq!(missing.unwrap_err().code(), tonic::Code::InvalidArgument);
}

#[tokio::test]
async fn the_hooks_service_needs_a_client() {
    let error = mm_hooks::Runtime::builder().into_hooks_service(Shouter).unwrap_err();
    assert!(error.to_string().contains("client"), "{error}");
}

struct Lookup;

#[mm_hooks::plugin]
impl mm_hooks::Plugin for Lookup {
    async fn execute_command(&self, cx: &Context, args: CommandArgs) -> Result<CommandResponse, HookError> {
        let user = cx.client().users().get(&args.user_id).await?;
        Ok(CommandResponse::ephemeral(user.username))
    }
}

/// `?` on a PluginAPI error keeps the server's `AppError`: its id and status reach the server,
/// not `plugin.execute_command.error` with status 500.
#[tokio::test]
async fn the_servers_app_error_survives_question_mark() {
    let api = support::start_fake_api().await;
    let client = mm_hooks::Client::connect(&api.addr.to_string()).await.unwrap();
    let service = mm_hooks::Runtime::builder().client(client).into_hooks_service(Lookup).unwrap();
    let mut hooks = PluginHooksClient::new(service);
    let args =
        wire::CommandArgs { user_id: support::id('u'), command: "/whois".into(), ..Default::default() };
    let request = wire::ExecuteCommandRequest { args: Some(args), ..Default::default() };
    let answer = hooks.execute_command(request).await.unwrap().into_inner();
    let error = answer.error.expect("the command failed with an AppError");
    assert_eq!(
        (error.id.as_str(), error.message.as_str(), error.status_code),
        ("app.user.missing.app_error", "Unable to find the user.", 404)
    );
    assert_eq!(api.log.calls(), ["GetUser"]);
}
