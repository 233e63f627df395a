//! Placeholder until the example lands.
struct Placeholder;
fn main() {
    let _ = Placeholder;
}
