//! Logging for plugin processes: `tracing` events as hclog JSON lines on stderr.
//!
//! go-plugin reads a plugin's stderr line by line and parses JSON lines as hclog entries:
//! `@level`, `@message`, `@timestamp` (RFC 3339 with microseconds), and every other key as a
//! field. The server then logs them with the right level and fields. [`run`](crate::run)
//! installs this with [`init`]; use [`HclogLayer`] to compose your own subscriber.
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

use std::fmt;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::{SubscriberInitExt, TryInitError};
use tracing_subscriber::{EnvFilter, Layer};

/// The filter used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// Installs the global subscriber: [`HclogLayer`] on stderr, filtered by `RUST_LOG`
/// (`tracing_subscriber::EnvFilter` syntax, default [`DEFAULT_FILTER`]).
///
/// Fails if a global subscriber is already installed (which is then kept).
pub fn init() -> Result<(), TryInitError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::registry().with(filter).with(HclogLayer::stderr()).try_init()
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
}
