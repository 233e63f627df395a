//! Proto <-> domain conversion (`mm-types`): User, Post with props, Channel, a PostList of 100
//! posts, each way.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mm_proto::v1 as wire;
use mm_types::{Channel, ChannelId, Post, PostId, PostList, TeamId, User, UserId};

fn user() -> User {
    User {
        id: UserId::generate(),
        username: "alice".into(),
        email: "alice@example.com".into(),
        first_name: "Alice".into(),
        last_name: "Liddell".into(),
        roles: "system_user".into(),
        email_verified: true,
        ..User::default()
    }
}

fn post(channel: &ChannelId) -> Post {
    let mut post = Post::new(channel.clone(), "well, the build is green again :tada: #release");
    post.id = PostId::generate();
    post.user_id = UserId::generate();
    let props = serde_json::json!({
        "from_bot": "true",
        "attachments": [{
            "fallback": "Build 1234 passed",
            "color": "#36a64f",
            "title": "Build 1234",
            "fields": [{"title": "branch", "value": "main", "short": true}, {"title": "took", "value": "4m 12s", "short": true}],
        }],
    });
    post.props = props.as_object().cloned();
    post
}

fn channel() -> Channel {
    Channel {
        id: ChannelId::generate(),
        team_id: Some(TeamId::generate()),
        name: "town-square".into(),
        display_name: "Town Square".into(),
        purpose: "Everyone's channel".into(),
        ..Channel::default()
    }
}

fn post_list() -> PostList {
    let channel = ChannelId::generate();
    let posts: Vec<Post> = (0..100).map(|_| post(&channel)).collect();
    PostList {
        order: posts.iter().map(|p| p.id.clone()).collect(),
        posts: posts.into_iter().map(|p| (p.id.clone(), p)).collect(),
        ..PostList::default()
    }
}

/// Both directions for one type.
fn both_ways<D, W>(c: &mut Criterion, name: &str, value: D)
where
    D: Clone + Into<W> + TryFrom<W>,
    <D as TryFrom<W>>::Error: std::fmt::Debug,
    W: Clone,
{
    let wire_value: W = value.clone().into();
    let mut group = c.benchmark_group(name);
    group.bench_function("domain to proto", |b| {
        b.iter_batched(|| value.clone(), |v| black_box(Into::<W>::into(v)), BatchSize::SmallInput)
    });
    group.bench_function("proto to domain", |b| {
        b.iter_batched(
            || wire_value.clone(),
            |w| black_box(D::try_from(w).expect("converts")),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn conversions(c: &mut Criterion) {
    both_ways::<User, wire::User>(c, "User", user());
    both_ways::<Post, wire::Post>(c, "Post with props", post(&ChannelId::generate()));
    both_ways::<Channel, wire::Channel>(c, "Channel", channel());
    both_ways::<PostList, wire::PostList>(c, "PostList of 100 posts", post_list());
}

criterion_group!(benches, conversions);
criterion_main!(benches);
