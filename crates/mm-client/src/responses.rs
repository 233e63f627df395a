//! Every PluginAPI response carries an optional `AppError` at field 1: convention 1 of the
//! server's error reporting. This trait takes it out, generically.

use mm_types::wire;

/// A response message with the `error` field.
pub(crate) trait ApiResponse {
    /// Takes the error out, if the server set one.
    fn take_error(&mut self) -> Option<wire::AppError>;
}

macro_rules! api_responses {
    ($($response:ident),* $(,)?) => {$(
        impl ApiResponse for wire::$response {
            fn take_error(&mut self) -> Option<wire::AppError> {
                self.error.take()
            }
        }
    )*};
}

api_responses! {
    CreateUserResponse, DeleteUserResponse, GetUsersResponse, GetUsersByIdsResponse, GetUserResponse,
    GetUserByEmailResponse, GetUserByUsernameResponse, GetUsersByUsernamesResponse, GetUsersInTeamResponse,
    UpdateUserResponse, GetUserStatusResponse, GetUserStatusesByIdsResponse, UpdateUserStatusResponse,
    SetUserStatusTimedDndResponse, UpdateUserActiveResponse, UpdateUserCustomStatusResponse,
    RemoveUserCustomStatusResponse, GetUsersInChannelResponse, GetLdapUserAttributesResponse,
    SearchUsersResponse, GetProfileImageResponse, SetProfileImageResponse, HasPermissionToResponse,
    HasPermissionToTeamResponse, HasPermissionToChannelResponse, PublishUserTypingResponse,
    UpdateUserAuthResponse, UpdateUserRolesResponse, GetSessionResponse, CreateSessionResponse,
    ExtendSessionExpiryResponse, RevokeSessionResponse, CreateUserAccessTokenResponse,
    RevokeUserAccessTokenResponse, CreateTeamResponse, DeleteTeamResponse, GetTeamsResponse,
    GetTeamResponse, GetTeamByNameResponse, GetTeamsUnreadForUserResponse, UpdateTeamResponse,
    SearchTeamsResponse, GetTeamsForUserResponse, CreateTeamMemberResponse, CreateTeamMembersResponse,
    CreateTeamMembersGracefullyResponse, DeleteTeamMemberResponse, GetTeamMembersResponse,
    GetTeamMemberResponse, GetTeamMembersForUserResponse, UpdateTeamMemberRolesResponse,
    GetTeamIconResponse, SetTeamIconResponse, RemoveTeamIconResponse, GetTeamStatsResponse,
    CreateChannelResponse, DeleteChannelResponse, GetPublicChannelsForTeamResponse, GetChannelResponse,
    GetChannelByNameResponse, GetChannelByNameForTeamNameResponse, GetChannelsForTeamForUserResponse,
    GetChannelStatsResponse, GetDirectChannelResponse, GetGroupChannelResponse, UpdateChannelResponse,
    SearchChannelsResponse, AddChannelMemberResponse, AddUserToChannelResponse, GetChannelMemberResponse,
    GetChannelMembersResponse, GetChannelMembersByIdsResponse, GetChannelMembersForUserResponse,
    UpdateChannelMemberRolesResponse, UpdateChannelMemberNotificationsResponse,
    PatchChannelMembersNotificationsResponse, DeleteChannelMemberResponse,
    CreateChannelSidebarCategoryResponse, GetChannelSidebarCategoriesResponse,
    UpdateChannelSidebarCategoriesResponse, CreatePostResponse, AddReactionResponse, RemoveReactionResponse,
    GetReactionsResponse, SendEphemeralPostResponse, UpdateEphemeralPostResponse,
    DeleteEphemeralPostResponse, DeletePostResponse, GetPostThreadResponse, GetPostResponse,
    GetPostsSinceResponse, GetPostsAfterResponse, GetPostsBeforeResponse, GetPostsForChannelResponse,
    UpdatePostResponse, SearchPostsInTeamResponse, SearchPostsInTeamForUserResponse, GetEmojiListResponse,
    GetEmojiByNameResponse, GetEmojiResponse, GetEmojiImageResponse, KvSetResponse, KvCompareAndSetResponse,
    KvCompareAndDeleteResponse, KvSetWithOptionsResponse, KvSetWithExpiryResponse, KvGetResponse,
    KvDeleteResponse, KvDeleteAllResponse, KvListResponse, PublishWebSocketEventResponse,
    LoadPluginConfigurationResponse, GetConfigResponse, GetUnsanitizedConfigResponse, SaveConfigResponse,
    GetPluginConfigResponse, SavePluginConfigResponse, GetBundlePathResponse, GetPluginsResponse,
    EnablePluginResponse, DisablePluginResponse, RemovePluginResponse, GetPluginStatusResponse,
    InstallPluginResponse, GetPluginIdResponse, LogDebugResponse, LogInfoResponse, LogErrorResponse,
    LogWarnResponse, CopyFileInfosResponse, GetFileInfoResponse, SetFileSearchableContentResponse,
    GetFileInfosResponse, GetFileResponse, GetFileLinkResponse, ReadFileResponse, UploadFileResponse,
    CreateUploadSessionResponse, UploadDataResponse, GetUploadSessionResponse, CreateBotResponse,
    PatchBotResponse, GetBotResponse, GetBotsResponse, UpdateBotActiveResponse, PermanentDeleteBotResponse,
    EnsureBotUserResponse, GetLicenseResponse, IsEnterpriseReadyResponse, GetServerVersionResponse,
    GetSystemInstallDateResponse, GetDiagnosticIdResponse, GetTelemetryIdResponse, RegisterCommandResponse,
    UnregisterCommandResponse, ExecuteSlashCommandResponse, CreateCommandResponse, ListCommandsResponse,
    ListCustomCommandsResponse, ListPluginCommandsResponse, ListBuiltInCommandsResponse, GetCommandResponse,
    UpdateCommandResponse, DeleteCommandResponse, GetPreferenceForUserResponse,
    GetPreferencesForUserResponse, UpdatePreferencesForUserResponse, DeletePreferencesForUserResponse,
    CreateOAuthAppResponse, GetOAuthAppResponse, UpdateOAuthAppResponse, DeleteOAuthAppResponse,
    GetGroupResponse, GetGroupByNameResponse, GetGroupMemberUsersResponse, GetGroupsBySourceResponse,
    GetGroupsForUserResponse, UpsertGroupMemberResponse, UpsertGroupMembersResponse,
    GetGroupByRemoteIdResponse, CreateGroupResponse, UpdateGroupResponse, DeleteGroupResponse,
    RestoreGroupResponse, DeleteGroupMemberResponse, GetGroupSyncableResponse, GetGroupSyncablesResponse,
    UpsertGroupSyncableResponse, UpdateGroupSyncableResponse, DeleteGroupSyncableResponse,
    GetGroupsResponse, CreateDefaultSyncableMembershipsResponse, DeleteGroupConstrainedMembershipsResponse,
    RegisterPluginForSharedChannelsResponse, UnregisterPluginForSharedChannelsResponse,
    ShareChannelResponse, UpdateSharedChannelResponse, UnshareChannelResponse,
    UpdateSharedChannelCursorResponse, SyncSharedChannelResponse, InviteRemoteToChannelResponse,
    UninviteRemoteFromChannelResponse, CreatePropertyFieldResponse, GetPropertyFieldResponse,
    GetPropertyFieldsResponse, UpdatePropertyFieldResponse, DeletePropertyFieldResponse,
    SearchPropertyFieldsResponse, CountPropertyFieldsResponse, CountPropertyFieldsForTargetResponse,
    CreatePropertyValueResponse, GetPropertyValueResponse, GetPropertyValuesResponse,
    UpdatePropertyValueResponse, UpsertPropertyValueResponse, DeletePropertyValueResponse,
    SearchPropertyValuesResponse, RegisterPropertyGroupResponse, GetPropertyGroupResponse,
    GetPropertyFieldByNameResponse, UpdatePropertyFieldsResponse, UpdatePropertyValuesResponse,
    UpsertPropertyValuesResponse, DeletePropertyValuesForTargetResponse,
    DeletePropertyValuesForFieldResponse, LogAuditRecResponse, LogAuditRecWithLevelResponse,
    PluginHttpResponse, GetCloudLimitsResponse, OpenInteractiveDialogResponse,
    PublishPluginClusterEventResponse, RegisterCollectionAndTopicResponse, RequestTrialLicenseResponse,
    RolesGrantPermissionResponse, SendMailResponse, SendPushNotificationResponse,
}
