//! Reach entries: oAuth applications.

use mm_types::convert::IntoWire;
use mm_types::wire;

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.oauth();
    r.check(
        "CreateOAuthApp",
        g.create(fx::oauth_app()),
        wire::CreateOAuthAppRequest { app: Some(fx::oauth_app().into_wire()) },
    )
    .await;
    r.check(
        "GetOAuthApp",
        g.get(&id("GetOAuthApp.app_id")),
        wire::GetOAuthAppRequest { app_id: "GetOAuthApp.app_id".into() },
    )
    .await;
    r.check(
        "UpdateOAuthApp",
        g.update(fx::oauth_app()),
        wire::UpdateOAuthAppRequest { app: Some(fx::oauth_app().into_wire()) },
    )
    .await;
    r.check(
        "DeleteOAuthApp",
        g.delete(&id("DeleteOAuthApp.app_id")),
        wire::DeleteOAuthAppRequest { app_id: "DeleteOAuthApp.app_id".into() },
    )
    .await;
}
