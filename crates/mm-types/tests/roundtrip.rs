//! Property tests of every domain type's conversions:
//!
//! 1. wire -> domain -> wire is the identity for arbitrary wire values (unknown enum values
//!    included);
//! 2. domain -> wire -> domain is the identity (domain values are made from arbitrary wire
//!    values, which covers every canonical domain value: see the crate docs on `Option`
//!    fields, empty ids and numbers);
//! 3. domain -> JSON -> domain -> JSON gives the same JSON (serde names and representations
//!    agree; fields Go keeps out of Mattermost's JSON, `json:"-"`, are not written, so the
//!    comparison is of what JSON carries).

mod support;

use mm_types::convert::{FromWire, IntoWire};
use mm_types::wire;
use proptest::prelude::*;
use support::arb_wire;

macro_rules! roundtrips {
    ($($test:ident: $domain:ty => $wire:ty, $proto:literal;)*) => {$(
        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
            #[test]
            fn $test(w in arb_wire::<$wire>($proto)) {
                let domain = <$domain>::from_wire(w.clone()).expect("every server value converts");
                let back: $wire = IntoWire::into_wire(domain.clone());
                prop_assert_eq!(&back, &w, "wire -> domain -> wire");

                let again = <$domain>::from_wire(back).expect("converts again");
                prop_assert_eq!(&again, &domain, "domain -> wire -> domain");

                let json = serde_json::to_value(&domain).expect("serializes");
                let parsed: $domain = serde_json::from_value(json.clone()).expect("deserializes");
                let again = serde_json::to_value(&parsed).expect("serializes again");
                prop_assert_eq!(&again, &json, "domain -> JSON -> domain -> JSON");
            }
        }
    )*};
}

roundtrips! {
    app_error: mm_types::AppError => wire::AppError, "AppError";
    plugin_context: mm_types::PluginContext => wire::PluginContext, "PluginContext";
    request_context: mm_types::RequestContext => wire::RequestContext, "RequestContext";
    user: mm_types::User => wire::User, "User";
    status: mm_types::Status => wire::Status, "Status";
    custom_status: mm_types::CustomStatus => wire::CustomStatus, "CustomStatus";
    user_auth: mm_types::UserAuth => wire::UserAuth, "UserAuth";
    session: mm_types::Session => wire::Session, "Session";
    user_access_token: mm_types::UserAccessToken => wire::UserAccessToken, "UserAccessToken";
    view_users_restrictions: mm_types::ViewUsersRestrictions => wire::ViewUsersRestrictions, "ViewUsersRestrictions";
    team: mm_types::Team => wire::Team, "Team";
    team_member: mm_types::TeamMember => wire::TeamMember, "TeamMember";
    team_unread: mm_types::TeamUnread => wire::TeamUnread, "TeamUnread";
    team_member_with_error: mm_types::TeamMemberWithError => wire::TeamMemberWithError, "TeamMemberWithError";
    team_stats: mm_types::TeamStats => wire::TeamStats, "TeamStats";
    channel: mm_types::Channel => wire::Channel, "Channel";
    channel_banner_info: mm_types::ChannelBannerInfo => wire::ChannelBannerInfo, "ChannelBannerInfo";
    channel_stats: mm_types::ChannelStats => wire::ChannelStats, "ChannelStats";
    channel_member: mm_types::ChannelMember => wire::ChannelMember, "ChannelMember";
    channel_member_identifier: mm_types::ChannelMemberIdentifier => wire::ChannelMemberIdentifier, "ChannelMemberIdentifier";
    sidebar_category: mm_types::SidebarCategoryWithChannels => wire::SidebarCategoryWithChannels, "SidebarCategoryWithChannels";
    ordered_sidebar_categories: mm_types::OrderedSidebarCategories => wire::OrderedSidebarCategories, "OrderedSidebarCategories";
    post: mm_types::Post => wire::Post, "Post";
    post_metadata: mm_types::PostMetadata => wire::PostMetadata, "PostMetadata";
    draft: mm_types::Draft => wire::Draft, "Draft";
    post_embed: mm_types::PostEmbed => wire::PostEmbed, "PostEmbed";
    post_image: mm_types::PostImage => wire::PostImage, "PostImage";
    post_priority: mm_types::PostPriority => wire::PostPriority, "PostPriority";
    post_acknowledgement: mm_types::PostAcknowledgement => wire::PostAcknowledgement, "PostAcknowledgement";
    reaction: mm_types::Reaction => wire::Reaction, "Reaction";
    search_params: mm_types::SearchParams => wire::SearchParams, "SearchParams";
    search_parameter: mm_types::SearchParameter => wire::SearchParameter, "SearchParameter";
    post_search_results: mm_types::PostSearchResults => wire::PostSearchResults, "PostSearchResults";
    file_info: mm_types::FileInfo => wire::FileInfo, "FileInfo";
    file_data: mm_types::FileData => wire::FileData, "FileData";
    file_upload_response: mm_types::FileUploadResponse => wire::FileUploadResponse, "FileUploadResponse";
    get_file_infos_options: mm_types::GetFileInfosOptions => wire::GetFileInfosOptions, "GetFileInfosOptions";
    upload_session: mm_types::UploadSession => wire::UploadSession, "UploadSession";
    http_header: mm_types::HttpHeader => wire::HttpHeader, "HTTPHeader";
    http_request_init: mm_types::HttpRequestInit => wire::ServeHttpRequestInit, "ServeHTTPRequestInit";
    http_response_init: mm_types::HttpResponseInit => wire::ServeHttpResponseInit, "ServeHTTPResponseInit";
    command: mm_types::Command => wire::Command, "Command";
    command_args: mm_types::CommandArgs => wire::CommandArgs, "CommandArgs";
    command_response: mm_types::CommandResponse => wire::CommandResponse, "CommandResponse";
    preference: mm_types::Preference => wire::Preference, "Preference";
    push_notification: mm_types::PushNotification => wire::PushNotification, "PushNotification";
    email_notification_content: mm_types::EmailNotificationContent => wire::EmailNotificationContent, "EmailNotificationContent";
    email_notification: mm_types::EmailNotification => wire::EmailNotificationJson, "EmailNotificationJson";
    server_config: mm_types::ServerConfig => wire::ConfigJson, "ConfigJson";
    saml_assertion: mm_types::SamlAssertion => wire::SamlAssertionInfoJson, "SamlAssertionInfoJson";
    sync_msg: mm_types::SyncMsg => wire::SyncMsgJson, "SyncMsgJson";
    sync_response: mm_types::SyncResponse => wire::SyncResponse, "SyncResponse";
    remote_cluster: mm_types::RemoteCluster => wire::RemoteCluster, "RemoteCluster";
    shared_channel: mm_types::SharedChannel => wire::SharedChannel, "SharedChannel";
    register_plugin_opts: mm_types::RegisterPluginOpts => wire::RegisterPluginOpts, "RegisterPluginOpts";
    posts_since_for_sync_cursor: mm_types::GetPostsSinceForSyncCursor => wire::GetPostsSinceForSyncCursor, "GetPostsSinceForSyncCursor";
    websocket_request: mm_types::WebSocketRequest => wire::WebSocketRequest, "WebSocketRequest";
    websocket_broadcast: mm_types::WebsocketBroadcast => wire::WebsocketBroadcast, "WebsocketBroadcast";
    plugin_cluster_event: mm_types::PluginClusterEvent => wire::PluginClusterEvent, "PluginClusterEvent";
    plugin_cluster_event_send_options: mm_types::PluginClusterEventSendOptions => wire::PluginClusterEventSendOptions, "PluginClusterEventSendOptions";
    on_install_event: mm_types::OnInstallEvent => wire::OnInstallEvent, "OnInstallEvent";
    product_limits: mm_types::ProductLimits => wire::ProductLimits, "ProductLimits";
    files_limits: mm_types::FilesLimits => wire::FilesLimits, "FilesLimits";
    messages_limits: mm_types::MessagesLimits => wire::MessagesLimits, "MessagesLimits";
    teams_limits: mm_types::TeamsLimits => wire::TeamsLimits, "TeamsLimits";
    emoji: mm_types::Emoji => wire::Emoji, "Emoji";
    kv_set_options: mm_types::KvSetOptions => wire::PluginKvSetOptions, "PluginKVSetOptions";
    manifest: mm_types::Manifest => wire::Manifest, "Manifest";
    plugin_status: mm_types::PluginStatus => wire::PluginStatus, "PluginStatus";
    key_value_pair: mm_types::KeyValuePair => wire::KeyValuePair, "KeyValuePair";
    audit_record: mm_types::AuditRecord => wire::AuditRecord, "AuditRecord";
    bot: mm_types::Bot => wire::Bot, "Bot";
    bot_patch: mm_types::BotPatch => wire::BotPatch, "BotPatch";
    bot_get_options: mm_types::BotGetOptions => wire::BotGetOptions, "BotGetOptions";
    oauth_app: mm_types::OAuthApp => wire::OAuthApp, "OAuthApp";
    group: mm_types::Group => wire::Group, "Group";
    group_member: mm_types::GroupMember => wire::GroupMember, "GroupMember";
    group_syncable: mm_types::GroupSyncable => wire::GroupSyncable, "GroupSyncable";
    group_search_opts: mm_types::GroupSearchOpts => wire::GroupSearchOpts, "GroupSearchOpts";
    create_default_membership_params: mm_types::CreateDefaultMembershipParams => wire::CreateDefaultMembershipParams, "CreateDefaultMembershipParams";
    property_group: mm_types::PropertyGroup => wire::PropertyGroup, "PropertyGroup";
    property_field: mm_types::PropertyField => wire::PropertyField, "PropertyField";
    property_field_search_opts: mm_types::PropertyFieldSearchOpts => wire::PropertyFieldSearchOpts, "PropertyFieldSearchOpts";
    property_value: mm_types::PropertyValue => wire::PropertyValue, "PropertyValue";
    property_value_search_opts: mm_types::PropertyValueSearchOpts => wire::PropertyValueSearchOpts, "PropertyValueSearchOpts";
    open_dialog_request: mm_types::OpenDialogRequest => wire::OpenDialogRequest, "OpenDialogRequest";
    dialog: mm_types::Dialog => wire::Dialog, "Dialog";
    dialog_element: mm_types::DialogElement => wire::DialogElement, "DialogElement";
    dialog_element_option: mm_types::DialogElementOption => wire::DialogElementOption, "DialogElementOption";
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// A post list's flag `first_inaccessible_post_time` says whether the time in the extension
    /// `first_inaccessible_post_at` is set (a gRPC server sends only the flag, a stock server
    /// only the time): the domain keeps the time, so the flag comes back set with any time.
    #[test]
    fn post_list(mut w in arb_wire::<wire::PostList>("PostList")) {
        let domain = mm_types::PostList::from_wire(w.clone()).expect("every server value converts");
        let back: wire::PostList = IntoWire::into_wire(domain.clone());
        w.first_inaccessible_post_time |= w.first_inaccessible_post_at != 0;
        prop_assert_eq!(&back, &w, "wire -> domain -> wire");
        let again = mm_types::PostList::from_wire(back).expect("converts again");
        prop_assert_eq!(&again, &domain, "domain -> wire -> domain");
        let json = serde_json::to_value(&domain).expect("serializes");
        prop_assert_eq!(&json["first_inaccessible_post_time"], &serde_json::json!(w.first_inaccessible_post_at));
        let parsed: mm_types::PostList = serde_json::from_value(json.clone()).expect("deserializes");
        prop_assert_eq!(serde_json::to_value(&parsed).expect("serializes again"), json);
    }

    /// A scheduled post embeds its draft by value in Go, so the server always sends one; the
    /// domain type has no way to say "no draft" (a missing one reads as empty).
    #[test]
    fn scheduled_post(mut w in arb_wire::<wire::ScheduledPost>("ScheduledPost")) {
        w.draft.get_or_insert_with(Default::default);
        let domain = mm_types::ScheduledPost::from_wire(w.clone()).expect("every server value converts");
        let back: wire::ScheduledPost = IntoWire::into_wire(domain.clone());
        prop_assert_eq!(&back, &w, "wire -> domain -> wire");
        let json = serde_json::to_string(&domain).expect("serializes");
        let parsed: mm_types::ScheduledPost = serde_json::from_str(&json).expect("deserializes");
        prop_assert_eq!(&parsed, &domain, "domain -> JSON -> domain: {}", json);
    }

    /// The download type travels as its Go string; values this SDK does not know come back
    /// unchanged.
    #[test]
    fn file_download_type(text in prop_oneof![
        Just(String::from("file")), Just(String::from("thumbnail")), Just(String::from("preview")),
        Just(String::from("public")), "[a-z_]{0,12}",
    ]) {
        let kind = mm_types::FileDownloadType::from_wire(text.clone()).expect("any string converts");
        prop_assert_eq!(IntoWire::<String>::into_wire(kind.clone()), text.clone());
        let json = serde_json::to_string(&kind).expect("serializes");
        prop_assert_eq!(serde_json::from_str::<mm_types::FileDownloadType>(&json).expect("deserializes"), kind);
    }
}
