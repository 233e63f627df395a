//! Logging for plugin processes: `tracing` events as hclog JSON lines on stderr.
//!
//! go-plugin reads a plugin's stderr line by line and parses JSON lines as hclog entries:
//! `@level`, `@message`, `@timestamp` (RFC 3339 with microseconds), and every other key as a
//! field. The server then logs them with the right level and fields. [`run`](crate::run)
//! installs this with [`init`]; use [`HclogLayer`] to compose your own subscriber.
//!
//! # Panics
//!
//! [`init`] also installs a panic hook ([`install_panic_hook`]) instead of Rust's default one,
//! which writes several plain-text lines (and a whole backtrace with `RUST_BACKTRACE=1`) that
//! the server logs one by one at info level. The hook reports each panic as one `error` event
//! (target [`PANIC_TARGET`]): the message `panicked at <file>:<line>:<column>: <panic message>`
//! with the fields `location`, `panic` (the panic message) and `thread`, plus `backtrace` (one
//! string) only when `RUST_BACKTRACE` or `RUST_LIB_BACKTRACE` asks for one. A panic in a hook
//! fails that call only; the runtime's own report of it (an event with the same `panic` field,
//! on the same thread right after) is not written again by [`HclogLayer`], so each panic is
//! one line.
//!
//! ```
//! use tracing_subscriber::layer::SubscriberExt;
//! let subscriber = tracing_subscriber::registry().with(mm_hooks::logging::HclogLayer::stderr());
//! tracing::subscriber::with_default(subscriber, || {
//!     tracing::info!(user_id = "8ds6pkzokfbf3r1ihxzrpiuxye", "user joined");
//!     // stderr: {"@level":"info","@message":"user joined","@module":"rust_out",
//!     //          "@timestamp":"2025-01-02T03:04:05.123456Z","user_id":"8ds6pkzokfbf3r1ihxzrpiuxye"}
//! });
//! ```

use std::backtrace::{Backtrace, BacktraceStatus};
use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};
use std::panic::PanicHookInfo;
use std::sync::Once;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::{SubscriberInitExt, TryInitError};

/// The filter used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// The `tracing` target of panic reports.
pub const PANIC_TARGET: &str = "panic";

/// Installs the global subscriber: [`HclogLayer`] on stderr, filtered by `RUST_LOG`
/// (`target=level` directives separated by commas and a bare default level, such as
/// `info,my_plugin=debug`: the syntax of `tracing_subscriber::filter::Targets`; default
/// [`DEFAULT_FILTER`]; a value that does not parse keeps the default), and the panic hook
/// ([`install_panic_hook`]).
///
/// Fails if a global subscriber is already installed (which is then kept; the panic hook is
/// installed either way and reports to that subscriber).
pub fn init() -> Result<(), TryInitError> {
    install_panic_hook();
    tracing_subscriber::registry().with(filter_from_env()).with(HclogLayer::stderr()).try_init()
}

/// `RUST_LOG` as a filter, else [`DEFAULT_FILTER`]. (`Targets` rather than `EnvFilter`: a
/// plugin needs per-target levels, and the regex engine behind `EnvFilter`'s span and field
/// directives would add to every plugin's build.)
fn filter_from_env() -> Targets {
    let default = || Targets::new().with_default(Level::INFO);
    match std::env::var("RUST_LOG") {
        Ok(text) if !text.trim().is_empty() => text.parse().unwrap_or_else(|_| default()),
        _ => DEFAULT_FILTER.parse().unwrap_or_else(|_| default()),
    }
}

/// Replaces Rust's panic hook with one that reports each panic as a single `tracing` error
/// event (see [the module docs](self#panics)). Installing it again does nothing.
pub fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| std::panic::set_hook(Box::new(report_panic)));
}

thread_local! {
    /// The message of the panic the hook last reported on this thread, until the next event.
    static REPORTED_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn report_panic(info: &PanicHookInfo<'_>) {
    let message = panic_text(info);
    let location = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
    let location = location.unwrap_or_else(|| "<unknown>".to_owned());
    let thread = std::thread::current();
    let thread = thread.name().unwrap_or("<unnamed>");
    // `capture` honours RUST_BACKTRACE / RUST_LIB_BACKTRACE: nothing is collected unless asked.
    let backtrace = Backtrace::capture();
    if backtrace.status() == BacktraceStatus::Captured {
        let backtrace = backtrace.to_string();
        tracing::error!(target: PANIC_TARGET, %location, panic = %message, thread, backtrace, "panicked at {location}: {message}");
    } else {
        tracing::error!(target: PANIC_TARGET, %location, panic = %message, thread, "panicked at {location}: {message}");
    }
    REPORTED_PANIC.with(|reported| *reported.borrow_mut() = Some(message));
}

/// The text of a panic's payload (`&str` or `String`), or a placeholder.
fn panic_text(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(text), _) => (*text).to_owned(),
        (None, Some(text)) => text.clone(),
        (None, None) => "a panic with a non-string payload".to_owned(),
    }
}

/// Whether an event is the runtime's own report of the panic the hook just reported on this
/// thread (a `panic` field with the same message, outside [`PANIC_TARGET`]). Any event clears
/// the remembered panic, so only the report right after it is folded.
fn repeats_reported_panic(target: &str, fields: &Map<String, Value>) -> bool {
    let Some(reported) = REPORTED_PANIC.with(|reported| reported.borrow_mut().take()) else { return false };
    target != PANIC_TARGET && fields.get("panic").and_then(Value::as_str) == Some(reported.as_str())
}

/// A `tracing_subscriber` layer that writes each event as one hclog JSON line.
///
/// Keys: `@level` (`trace`..`error`), `@message`, `@timestamp`, `@module` (the event's
/// target), then the fields of the enclosing spans (outermost first) and of the event.
pub struct HclogLayer<W> {
    make_writer: W,
}

impl HclogLayer<fn() -> io::Stderr> {
    /// Writes to the process's stderr.
    pub fn stderr() -> Self {
        HclogLayer { make_writer: io::stderr }
    }
}

impl<W> HclogLayer<W>
where
    W: for<'w> MakeWriter<'w> + 'static,
{
    /// Writes to any `MakeWriter` (for tests, or a file).
    pub fn with_writer(make_writer: W) -> Self {
        HclogLayer { make_writer }
    }
}

impl<W> fmt::Debug for HclogLayer<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HclogLayer")
    }
}

/// The recorded fields of a span, kept in its extensions.
struct SpanFields(Map<String, Value>);

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = FieldVisitor::default();
        attrs.record(&mut fields);
        span.extensions_mut().insert(SpanFields(fields.fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(fields)) = extensions.get_mut::<SpanFields>() {
            let mut visitor = FieldVisitor { fields: std::mem::take(fields), message: None };
            values.record(&mut visitor);
            *fields = visitor.fields;
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let mut entry = Map::new();
        entry.insert("@level".into(), Value::from(level_name(*metadata.level())));
        entry.insert("@timestamp".into(), Value::from(rfc3339_micros(SystemTime::now())));
        entry.insert("@module".into(), Value::from(metadata.target()));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>() {
                    entry.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        let mut visitor = FieldVisitor::default();
        event.record(&mut visitor);
        if repeats_reported_panic(metadata.target(), &visitor.fields) {
            return;
        }
        entry.extend(visitor.fields);
        entry.insert("@message".into(), Value::from(visitor.message.unwrap_or_default()));

        let Ok(mut line) = serde_json::to_vec(&Value::Object(entry)) else { return };
        line.push(b'\n');
        // One write per line, so lines from concurrent hooks do not interleave.
        let _ = self.make_writer.make_writer_for(metadata).write_all(&line);
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

#[derive(Default)]
struct FieldVisitor {
    fields: Map<String, Value>,
    message: Option<String>,
}

impl FieldVisitor {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for FieldVisitor {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(
            field,
            serde_json::Number::from_f64(value).map_or_else(|| Value::from(value.to_string()), Value::Number),
        );
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let mut text = value.to_string();
        let mut source = value.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        self.put(field, Value::from(text));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

/// `2006-01-02T15:04:05.000000Z`: the hclog timestamp layout, in UTC.
fn rfc3339_micros(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since_epoch.as_secs();
    let (days, secs_of_day) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
        since_epoch.subsec_micros()
    )
}

/// Year, month and day of the day `days` after 1970-01-01 (proleptic Gregorian calendar).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of each year, then split
    // into 400-year eras, years of the era, and days of the year.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::*;

    #[test]
    fn timestamps_use_the_hclog_layout() {
        let at =
            |secs: u64, micros: u64| UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_micros(micros);
        assert_eq!(rfc3339_micros(at(0, 0)), "1970-01-01T00:00:00.000000Z");
        assert_eq!(rfc3339_micros(at(951_782_400, 7)), "2000-02-29T00:00:00.000007Z");
        assert_eq!(rfc3339_micros(at(1_136_214_245, 999_999)), "2006-01-02T15:04:05.999999Z");
        assert_eq!(rfc3339_micros(at(4_107_542_399, 0)), "2100-02-28T23:59:59.000000Z");
        assert_eq!(rfc3339_micros(at(4_107_542_400, 0)), "2100-03-01T00:00:00.000000Z");
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[test]
    fn events_are_json_lines_with_levels_span_fields_and_event_fields() {
        let out = Captured::default();
        let subscriber = tracing_subscriber::registry().with(HclogLayer::with_writer(out.clone()));
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("hook", hook = "OnActivate", attempt = tracing::field::Empty);
            let _entered = span.enter();
            span.record("attempt", 2);
            tracing::warn!(target: "demo::plugin", count = 3, ok = true, ratio = 0.5, "config {} loaded", "v2");
            tracing::error!(error = &io::Error::other("disk full") as &dyn std::error::Error, "save failed");
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2, "{text}");
        let first = &lines[0];
        assert_eq!(first["@level"], "warn");
        assert_eq!(first["@message"], "config v2 loaded");
        assert_eq!(first["@module"], "demo::plugin");
        assert_eq!((first["hook"].as_str(), first["attempt"].as_i64()), (Some("OnActivate"), Some(2)));
        assert_eq!(
            (first["count"].as_i64(), first["ok"].as_bool(), first["ratio"].as_f64()),
            (Some(3), Some(true), Some(0.5))
        );
        let stamp = first["@timestamp"].as_str().unwrap();
        assert_eq!(
            (stamp.len(), &stamp[10..11], &stamp[19..20], &stamp[26..]),
            (27, "T", ".", "Z"),
            "{stamp}"
        );
        assert_eq!(
            (lines[1]["@level"].as_str(), lines[1]["error"].as_str()),
            (Some("error"), Some("disk full"))
        );
    }

    /// Routes panics on threads named `name` to [`report_panic`], the others to the hook that
    /// was installed before (the test harness's), so other tests keep their usual reports.
    fn report_panics_on_threads_named(name: &'static str) {
        static ROUTE: Once = Once::new();
        ROUTE.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if std::thread::current().name() == Some(name) {
                    report_panic(info);
                } else {
                    previous(info);
                }
            }));
        });
    }

    #[test]
    fn a_panic_is_one_error_line_with_its_location_and_the_runtimes_report_is_not_repeated() {
        const THREAD: &str = "panic-report-test";
        report_panics_on_threads_named(THREAD);
        let out = Captured::default();
        let writer = out.clone();
        let panic_line = std::thread::Builder::new()
            .name(THREAD.into())
            .spawn(move || {
                let subscriber = tracing_subscriber::registry().with(HclogLayer::with_writer(writer));
                tracing::subscriber::with_default(subscriber, || {
                    let line = line!() + 1;
                    let caught = std::panic::catch_unwind(|| panic!("boom {}", 7));
                    assert!(caught.is_err());
                    // What the runtime logs once it caught the panic of a hook.
                    tracing::error!(hook = "OnActivate", panic = %"boom 7", "hook panicked");
                    // The next report of the same text is a new event and is written.
                    tracing::error!(panic = %"boom 7", "another report");
                    line
                })
            })
            .unwrap()
            .join()
            .unwrap();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2, "{text}");
        let report = &lines[0];
        let location = format!("{}:{panic_line}:", file!());
        assert_eq!(report["@level"], "error");
        assert_eq!(report["@module"], PANIC_TARGET);
        assert!(report["location"].as_str().unwrap().starts_with(&location), "{report}");
        assert!(
            report["@message"].as_str().unwrap().starts_with(&format!("panicked at {location}")),
            "{report}"
        );
        assert!(report["@message"].as_str().unwrap().ends_with(": boom 7"), "{report}");
        assert_eq!((report["panic"].as_str(), report["thread"].as_str()), (Some("boom 7"), Some(THREAD)));
        let asked = Backtrace::capture().status() == BacktraceStatus::Captured;
        assert_eq!(report.get("backtrace").is_some(), asked, "a backtrace only when RUST_BACKTRACE asks");
        assert_eq!(lines[1]["@message"], "another report");
    }
}
