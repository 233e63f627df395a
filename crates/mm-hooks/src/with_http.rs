//! A plugin whose HTTP requests go to a handler given once (an axum `Router`, through
//! `mm-http`), instead of being rebuilt in its `serve_http` on every request.

use std::any::TypeId;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, OnceLock};

use crate::context::Context;
use crate::hook::Hook;
use crate::plugin::Plugin;
use crate::table::hook_table;
use crate::table::names::*;

/// Answers a plugin's ServeHTTP requests: the handler of [`WithHttp`].
///
/// `mm-http` implements it for any tower service (an axum `Router`) with
/// `mm_http::Routes`; write it yourself only to answer the raw request stream.
pub trait HttpHandler: Send + Sync + 'static {
    /// Answers one request; `cx` is the ServeHTTP call's context.
    fn serve(
        &self,
        cx: &Context,
        request: HttpRequestStream,
    ) -> impl Future<Output = Result<HttpResponseStream, HookError>> + Send;
}

/// `plugin` with its HTTP requests answered by `handler`, built once: every hook but
/// `ServeHTTP` goes to the plugin, `ServeHTTP` goes to the handler, and the plugin reports
/// `ServeHTTP` as implemented. Run it like any plugin (`run`, a test host).
///
/// With `mm-http`, `plugin.with_http(router)` builds one.
#[derive(Debug, Clone)]
pub struct WithHttp<P, H> {
    plugin: P,
    handler: H,
}

impl<P: Plugin, H: HttpHandler> WithHttp<P, H> {
    /// `plugin` answering HTTP with `handler`.
    pub fn new(plugin: P, handler: H) -> Self {
        WithHttp { plugin, handler }
    }

    /// The plugin.
    pub fn plugin(&self) -> &P {
        &self.plugin
    }

    /// The HTTP handler.
    pub fn handler(&self) -> &H {
        &self.handler
    }
}

/// `P`'s implemented hooks plus `ServeHTTP`. `__implemented_hooks` answers a `'static` slice,
/// so each plugin type's list is made once and kept for the life of the process.
fn with_serve_http<P: 'static>(hooks: &'static [Hook]) -> &'static [Hook] {
    if hooks.contains(&Hook::ServeHttp) {
        return hooks;
    }
    static LISTS: OnceLock<Mutex<HashMap<TypeId, &'static [Hook]>>> = OnceLock::new();
    let mut lists =
        LISTS.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    lists.entry(TypeId::of::<P>()).or_insert_with(|| {
        let mut list = hooks.to_vec();
        list.push(Hook::ServeHttp);
        Vec::leak(list)
    })
}

/// Writes `Plugin for WithHttp`: each hook's method calls the plugin's, `serve_http` calls
/// the handler.
macro_rules! delegate_plugin {
    ($({ $variant:ident, $rpc:literal, $on:ident, $method:ident, $args:tt, $out:tt, $default:tt, $docs:tt, $kind:tt })*) => {
        impl<P: Plugin, H: HttpHandler> Plugin for WithHttp<P, H> {
            fn __implemented_hooks(&self) -> &'static [Hook] {
                with_serve_http::<P>(self.plugin.__implemented_hooks())
            }

            fn __manifest_json(&self) -> Option<&'static str> {
                self.plugin.__manifest_json()
            }

            $(delegate_method! { $variant $method $args $out })*
        }
    };
}

/// One delegating method.
macro_rules! delegate_method {
    (ServeHttp $method:ident ($($arg:ident: $ty:ty $(= $mode:ident($field:ident))?),* $(,)?) $out:ty) => {
        fn $method(&self, cx: &Context $(, $arg: $ty)*) -> impl Future<Output = $out> + Send {
            self.handler.serve(cx $(, $arg)*)
        }
    };
    ($variant:ident $method:ident ($($arg:ident: $ty:ty $(= $mode:ident($field:ident))?),* $(,)?) $out:ty) => {
        fn $method(&self, cx: &Context $(, $arg: $ty)*) -> impl Future<Output = $out> + Send {
            self.plugin.$method(cx $(, $arg)*)
        }
    };
}

hook_table!(delegate_plugin);

#[cfg(test)]
mod tests {
    use super::*;

    struct Quiet;

    // What `#[mm_hooks::plugin]` writes, by hand (the attribute names `::mm_hooks`).
    impl Plugin for Quiet {
        fn __implemented_hooks(&self) -> &'static [Hook] {
            &[Hook::OnActivate]
        }

        async fn on_activate(&self, _cx: &Context) -> Result<(), HookError> {
            Ok(())
        }
    }

    struct Teapot;

    impl HttpHandler for Teapot {
        async fn serve(
            &self,
            _cx: &Context,
            _request: HttpRequestStream,
        ) -> Result<HttpResponseStream, HookError> {
            Err(HookError::msg("I'm a teapot"))
        }
    }

    #[test]
    fn serve_http_is_added_once_to_the_plugins_hooks() {
        let plugin = WithHttp::new(Quiet, Teapot);
        assert_eq!(plugin.__implemented_hooks(), &[Hook::OnActivate, Hook::ServeHttp]);
        // The same list, not a new one per call.
        assert!(std::ptr::eq(
            plugin.__implemented_hooks(),
            WithHttp::new(Quiet, Teapot).__implemented_hooks()
        ));
    }
}
