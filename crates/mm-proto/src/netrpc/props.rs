//! Keeping Go's types on values that go back to the server.
//!
//! The messages hold dynamic values (`Props`, attachments' fields...) as
//! `google.protobuf.Struct`, where every number is an `f64`. A stock server's Go code may put an
//! `int` or an `int64` in `Props`; a plugin that gets a post in `MessageWillBePosted` and
//! returns it changed would send that value back as a `float64`, and the server's own code
//! reading `props["count"].(int)` would break. So a hook call remembers, while its arguments
//! are decoded, the Go type of every dynamic value that a plain conversion back would not
//! restore ([`remember_props`]), and its reply is encoded with that memory
//! ([`PropsMemory::apply`]): a value in the same place with the same value goes back with its
//! original Go type; a value the plugin changed or added is a `float64`, as encoding/json
//! would make it.
//!
//! "The same place" is the path inside the dynamic value (`nested/k/1`) and the order in
//! which dynamic values occur in the message (the first `Props` of the arguments is the first
//! of the reply).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use mm_gob::Interface;

/// The Go types remembered from one call's arguments; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct PropsMemory {
    entries: Arc<HashMap<(usize, String), Interface>>,
}

#[derive(Default)]
struct State {
    recording: Option<HashMap<(usize, String), Interface>>,
    applying: Option<Arc<HashMap<(usize, String), Interface>>>,
    occurrence: usize,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Runs `decode` (which decodes a call's arguments on this thread) and returns what it gave
/// with the Go types it met that must be restored on the way back.
pub fn remember_props<T>(decode: impl FnOnce() -> T) -> (T, PropsMemory) {
    let previous =
        STATE.with(|s| s.replace(Some(State { recording: Some(HashMap::new()), ..State::default() })));
    let result = decode();
    let state = STATE.with(|s| s.replace(previous));
    let entries = state.and_then(|s| s.recording).unwrap_or_default();
    (result, PropsMemory { entries: Arc::new(entries) })
}

impl PropsMemory {
    /// Runs `encode` (which encodes the call's reply on this thread) with this memory.
    pub fn apply<T>(&self, encode: impl FnOnce() -> T) -> T {
        if self.entries.is_empty() {
            return encode();
        }
        let previous = STATE
            .with(|s| s.replace(Some(State { applying: Some(self.entries.clone()), ..State::default() })));
        let result = encode();
        STATE.with(|s| s.replace(previous));
        result
    }

    /// How many values it remembers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it remembers nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Where a conversion is inside the dynamic value it converts.
#[derive(Debug)]
pub(crate) struct Path {
    occurrence: usize,
    segments: Vec<String>,
}

impl Path {
    pub(crate) fn push(&mut self, key: &str) {
        self.segments.push(key.replace('/', "//"));
    }

    pub(crate) fn push_index(&mut self, index: usize) {
        self.segments.push(format!("[{index}]"));
    }

    pub(crate) fn pop(&mut self) {
        self.segments.pop();
    }

    fn key(&self) -> (usize, String) {
        (self.occurrence, self.segments.join("/"))
    }

    /// Records the Go value behind `converted`, if a call is recording.
    pub(crate) fn remember(&self, _converted: &prost_types::Value, original: &Interface) {
        STATE.with(|s| {
            if let Some(State { recording: Some(map), .. }) = s.borrow_mut().as_mut() {
                map.insert(self.key(), original.clone());
            }
        });
    }

    /// The remembered Go value for this place, if it converts to `value`.
    ///
    /// This place first; then the same path with its leading segments dropped, so that a value
    /// the plugin copied deeper (`props["echo"] = props.clone()` puts `n` at `echo/n`) keeps
    /// the Go type it arrived with, as it would in a Go plugin.
    pub(crate) fn remembered(&self, value: &prost_types::Value) -> Option<Interface> {
        // The candidates are taken out first: projecting one converts a Go value, which
        // borrows the state again.
        let candidates: Vec<Interface> = STATE.with(|s| {
            let state = s.borrow();
            let Some(map) = state.as_ref().and_then(|state| state.applying.as_ref()) else {
                return Vec::new();
            };
            let last = self.segments.len().saturating_sub(1);
            (0..=last)
                .filter_map(|start| {
                    let key = (self.occurrence, self.segments.get(start..).unwrap_or_default().join("/"));
                    map.get(&key).cloned()
                })
                .collect()
        });
        candidates.into_iter().find(|original| {
            let projected = super::values::value_from_go(
                &mm_gob::Value::Interface(Some(Box::new(original.clone()))),
                &mut scratch(),
            );
            projected == *value
        })
    }
}

/// A path for a conversion outside any call (nothing remembered or applied).
pub(crate) fn scratch() -> Path {
    Path { occurrence: usize::MAX, segments: Vec::new() }
}

fn next_path() -> Path {
    let occurrence = STATE.with(|s| {
        s.borrow_mut().as_mut().map_or(0, |state| {
            let n = state.occurrence;
            state.occurrence += 1;
            n
        })
    });
    Path { occurrence, segments: Vec::new() }
}

/// Converts one dynamic value of a message being decoded.
pub(crate) fn decoding<T>(convert: impl FnOnce(&mut Path) -> T) -> T {
    convert(&mut next_path())
}

/// Converts one dynamic value of a message being encoded.
pub(crate) fn encoding<T>(convert: impl FnOnce(&mut Path) -> T) -> T {
    convert(&mut next_path())
}
