//! The hooks service without a listener (`RuntimeBuilder::into_hooks_service`): a tonic client
//! drives it in memory and gets the same answers a served plugin gives.

use mm_proto::v1 as wire;
use mm_proto::v1::plugin_hooks_client::PluginHooksClient;
use mm_types::Post;

use mm_hooks::{Context, PostDecision};

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
