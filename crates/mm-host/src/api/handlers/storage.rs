//! The KV store and files (errors in the response).

use mm_proto::v1 as wire;
use mm_types::{GetFileInfosOptions, Id, KvSetOptions, UploadSession};

use super::{id, ids, wires};
use crate::api::router::{ApiRouter, answer, domain, required};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // KV store (errors in the response)
    router.route(|api, r: wire::KvSetRequest| {
        let result = api.with(|s| s.kv_set(&api.plugin_id, &r.key, r.value, &KvSetOptions::default()));
        answer(result, |_| wire::KvSetResponse { error: None })
    });
    router.route(|api, r: wire::KvCompareAndSetRequest| {
        let options = KvSetOptions { atomic: true, old_value: r.old_value, expire_in_seconds: 0 };
        let result = api.with(|s| s.kv_set(&api.plugin_id, &r.key, r.new_value, &options));
        answer(result, |success| wire::KvCompareAndSetResponse { error: None, success })
    });
    router.route(|api, r: wire::KvCompareAndDeleteRequest| {
        let result = api.with(|s| s.kv_compare_and_delete(&api.plugin_id, &r.key, &r.old_value));
        answer(result, |success| wire::KvCompareAndDeleteResponse { error: None, success })
    });
    router.route(|api, r: wire::KvSetWithOptionsRequest| {
        let options: KvSetOptions = domain(r.options.unwrap_or_default())?;
        let result = api.with(|s| s.kv_set(&api.plugin_id, &r.key, r.value, &options));
        answer(result, |success| wire::KvSetWithOptionsResponse { error: None, success })
    });
    router.route(|api, r: wire::KvSetWithExpiryRequest| {
        let options = KvSetOptions { expire_in_seconds: r.expire_in_seconds, ..KvSetOptions::default() };
        let result = api.with(|s| s.kv_set(&api.plugin_id, &r.key, r.value, &options));
        answer(result, |_| wire::KvSetWithExpiryResponse { error: None })
    });
    router.route(|api, r: wire::KvGetRequest| {
        let value = api.with(|s| s.kv_get(&api.plugin_id, &r.key));
        Ok(wire::KvGetResponse { error: None, value: value.unwrap_or_default() })
    });
    router.route(|api, r: wire::KvDeleteRequest| {
        let result = api.with(|s| s.kv_delete(&api.plugin_id, &r.key));
        answer(result, |()| wire::KvDeleteResponse { error: None })
    });
    router.route(|api, _r: wire::KvDeleteAllRequest| {
        api.with(|s| s.kv_delete_all(&api.plugin_id));
        Ok(wire::KvDeleteAllResponse { error: None })
    });
    router.route(|api, r: wire::KvListRequest| {
        let keys = api.with(|s| s.kv_list(&api.plugin_id, r.page, r.per_page));
        Ok(wire::KvListResponse { error: None, keys })
    });

    // files (errors in the response)
    router.route(|api, r: wire::CopyFileInfosRequest| {
        let copies = api.with(|s| s.copy_file_infos(&id(r.user_id), &ids(r.file_ids)));
        answer(copies, |ids| wire::CopyFileInfosResponse {
            error: None,
            file_ids: ids.into_iter().map(String::from).collect(),
        })
    });
    router.route(|api, r: wire::GetFileInfoRequest| {
        let info = api.with(|s| s.file(&id(r.file_id)).map(|f| f.info.clone()));
        answer(info, |i| wire::GetFileInfoResponse { error: None, file_info: Some(i.into()) })
    });
    router.route(|api, r: wire::SetFileSearchableContentRequest| {
        let result = api.with(|s| s.set_searchable_content(&id(r.file_id), r.content));
        answer(result, |()| wire::SetFileSearchableContentResponse { error: None })
    });
    router.route(|api, r: wire::GetFileInfosRequest| {
        let options: GetFileInfosOptions = domain(r.options.unwrap_or_default())?;
        let infos = api.with(|s| s.file_infos(r.page, r.per_page, &options));
        Ok(wire::GetFileInfosResponse { error: None, file_infos: wires(infos) })
    });
    router.route(|api, r: wire::GetFileRequest| {
        let data = api.with(|s| s.file(&id(r.file_id)).map(|f| f.data.clone()));
        answer(data, |data| wire::GetFileResponse { error: None, data })
    });
    router.route(|api, r: wire::GetFileLinkRequest| {
        let link = api.with(|s| s.file_link(&id(r.file_id)));
        answer(link, |link| wire::GetFileLinkResponse { error: None, link })
    });
    router.route(|api, r: wire::ReadFileRequest| {
        let data = api.with(|s| s.read_path(&r.path));
        answer(data, |data| wire::ReadFileResponse { error: None, data })
    });
    router.route_async(|api, r: wire::UploadFileRequest| async move {
        let info = api.host.upload_file(&Id::default(), &id(r.channel_id), &r.filename, r.data).await;
        answer(info, |i| wire::UploadFileResponse { error: None, file_info: Some(i.into()) })
    });
    router.route(|api, r: wire::CreateUploadSessionRequest| {
        let session: UploadSession = domain(required(r.upload_session, "upload_session")?)?;
        let session = api.with(|s| s.create_upload(session));
        answer(session, |s| wire::CreateUploadSessionResponse { error: None, upload_session: Some(s.into()) })
    });
    router.route_async(|api, r: wire::UploadDataRequest| async move {
        let session: UploadSession = domain(required(r.upload_session, "upload_session")?)?;
        let info = api.host.upload_data(&session.id, &r.data).await;
        answer(info, |i| wire::UploadDataResponse { error: None, file_info: i.map(Into::into) })
    });
    router.route(|api, r: wire::GetUploadSessionRequest| {
        let session = api.with(|s| s.upload(&id(r.upload_id)));
        answer(session, |s| wire::GetUploadSessionResponse { error: None, upload_session: Some(s.into()) })
    });
}
