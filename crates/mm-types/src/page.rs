//! Which page of a listing to ask for: an index from 0 and a page size.

/// A page of a paged listing: its index (from 0) and how many items a page holds.
///
/// The PluginAPI pages listings of users, members, channels, posts, keys and more with a
/// `page` and a `per_page` number; a `Page` carries both, so they cannot be swapped.
/// [`Default`] is the first page of [`Page::DEFAULT_PER_PAGE`] (60, the server's default).
///
/// ```
/// use mm_types::Page;
/// let page = Page::first(100);
/// assert_eq!((page.index(), page.per_page()), (0, 100));
/// assert_eq!(page.next(), Page::new(1, 100));
/// assert_eq!(Page::default(), Page::first(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    index: u32,
    per_page: u32,
}

impl Page {
    /// The server's page size when none is given.
    pub const DEFAULT_PER_PAGE: u32 = 60;

    /// The first page (index 0) of `per_page` items.
    pub const fn first(per_page: u32) -> Self {
        Page { index: 0, per_page }
    }

    /// Page `index` (from 0) of `per_page` items.
    pub const fn new(index: u32, per_page: u32) -> Self {
        Page { index, per_page }
    }

    /// The page's index, from 0.
    pub const fn index(self) -> u32 {
        self.index
    }

    /// How many items a page holds.
    pub const fn per_page(self) -> u32 {
        self.per_page
    }

    /// The page after this one, of the same size (the index saturates at `u32::MAX`).
    #[must_use]
    pub const fn next(self) -> Self {
        Page { index: self.index.saturating_add(1), per_page: self.per_page }
    }

    /// The index as the wire's `i32`, saturating at `i32::MAX`.
    #[doc(hidden)]
    pub fn wire_index(self) -> i32 {
        saturate(self.index)
    }

    /// The page size as the wire's `i32`, saturating at `i32::MAX`.
    #[doc(hidden)]
    pub fn wire_per_page(self) -> i32 {
        saturate(self.per_page)
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::first(Page::DEFAULT_PER_PAGE)
    }
}

fn saturate(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn default_is_the_servers_first_page() {
        assert_eq!(Page::default(), Page::new(0, 60));
    }

    #[test]
    fn next_keeps_the_size_and_saturates() {
        assert_eq!(Page::new(4, 10).next(), Page::new(5, 10));
        assert_eq!(Page::new(u32::MAX, 10).next(), Page::new(u32::MAX, 10));
    }

    #[test]
    fn wire_values_saturate() {
        let page = Page::new(u32::MAX, u32::MAX);
        assert_eq!((page.wire_index(), page.wire_per_page()), (i32::MAX, i32::MAX));
    }

    proptest! {
        #[test]
        fn wire_values_are_exact_in_range(index in 0..=i32::MAX as u32, per_page in 0..=i32::MAX as u32) {
            let page = Page::new(index, per_page);
            prop_assert_eq!(i64::from(page.wire_index()), i64::from(index));
            prop_assert_eq!(i64::from(page.wire_per_page()), i64::from(per_page));
        }

        #[test]
        fn wire_values_never_go_negative(index: u32, per_page: u32) {
            let page = Page::new(index, per_page);
            prop_assert!(page.wire_index() >= 0 && page.wire_per_page() >= 0);
        }
    }
}
