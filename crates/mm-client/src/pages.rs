//! Walking a paged listing page by page: one state machine ([`Pager`]) that the async
//! [`Pages`] stream and the blocking [`blocking::Pages`](crate::blocking::Pages) iterator wrap.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use mm_types::Page;

use crate::error::{Error, Result};
use crate::mode::ApiCall;

/// Which page to ask for next, and when the walk is over.
///
/// The walk stops after a page shorter than asked (an empty one included) and after an error.
/// Full pages up to the last index the wire can name (`i32::MAX`) end with an error rather than
/// silently. A page size of 0 is an error: every page would be "short" and empty, so the walk could
/// neither make progress nor tell the end from an empty listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pager {
    /// This page is the next to fetch.
    Next(Page),
    /// This page was full, and it was the last one a request can name (the wire's page index
    /// is an `i32`): only a server that never ends the listing gets here.
    PastTheLast(Page),
    /// Nothing more to fetch.
    Done,
}

impl Pager {
    pub(crate) fn new(first: Page) -> Self {
        Pager::Next(first)
    }

    /// The page to fetch now, an error that ends the walk, or `None` when the walk is over.
    pub(crate) fn start(&mut self) -> Option<Result<Page>> {
        match *self {
            Pager::Done => None,
            Pager::PastTheLast(page) => {
                *self = Pager::Done;
                Some(Err(Error::malformed(format!(
                    "the server answered full pages up to page {}, the last one a request can name; \
                     the server does not end the listing",
                    page.index()
                ))))
            }
            Pager::Next(page) if page.per_page() == 0 => {
                *self = Pager::Done;
                Some(Err(Error::invalid_input(
                    "cannot walk pages of 0 items: the walk would never end; give the pages a size of 1 or more",
                )))
            }
            Pager::Next(page) => Some(Ok(page)),
        }
    }

    /// Records the answer for `page` (the one [`start`](Self::start) gave) and decides what
    /// comes next.
    pub(crate) fn finish<T>(&mut self, page: Page, answer: &Result<Vec<T>>) {
        *self = match answer {
            Ok(items) if items.len() >= page.per_page() as usize => Pager::after_full(page),
            // A short page is the last one; an error ends the walk after it is handed out.
            Ok(_) | Err(_) => Pager::Done,
        };
    }

    /// What follows a full page: the next one, unless the wire cannot name it.
    fn after_full(page: Page) -> Pager {
        let next = page.next();
        if next.wire_index() > page.wire_index() { Pager::Next(next) } else { Pager::PastTheLast(page) }
    }
}

/// A paged listing as a stream of pages; see [`pages`].
#[must_use = "a stream does nothing unless polled"]
pub struct Pages<'a, T> {
    pager: Pager,
    fetch: Box<dyn FnMut(Page) -> ApiCall<Vec<T>> + Send + 'a>,
    in_flight: Option<(Page, ApiCall<Vec<T>>)>,
}

/// Walks a paged listing from `first`, one call per page, as a [`Stream`] of pages.
///
/// `fetch` makes the call for one page. The stream yields each page's items, asks for the
/// next page only after a full one, and ends after a page shorter than `first.per_page()` (an
/// empty one included). An error is yielded once and ends the stream. A page size of 0 yields
/// an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error and nothing else.
///
/// Builders that page (`client.users().list()`, `client.bots().list()`,
/// `client.files().infos()`, `client.groups().list()`, the property searches) have a
/// `.pages()` that does this for you.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, team: mm_types::TeamId) -> mm_client::Result<()> {
/// use futures_util::TryStreamExt;
/// use mm_types::Page;
///
/// let mut pages = mm_client::pages(Page::first(200), |page| client.teams().members(&team, page));
/// while let Some(page) = pages.try_next().await? {
///     for member in page {
///         println!("{}", member.user_id);
///     }
/// }
/// # Ok(()) }
/// ```
pub fn pages<'a, T, F>(first: Page, fetch: F) -> Pages<'a, T>
where
    F: FnMut(Page) -> ApiCall<Vec<T>> + Send + 'a,
{
    Pages { pager: Pager::new(first), fetch: Box::new(fetch), in_flight: None }
}

impl<T> Stream for Pages<'_, T> {
    type Item = Result<Vec<T>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is Unpin (the call and the closure are boxed).
        let this = self.get_mut();
        if this.in_flight.is_none() {
            match this.pager.start() {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => this.in_flight = Some((page, (this.fetch)(page))),
            }
        }
        let Some((page, call)) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let answer = std::task::ready!(Pin::new(call).poll(cx));
        let page = *page;
        this.in_flight = None;
        this.pager.finish(page, &answer);
        Poll::Ready(Some(answer))
    }
}

impl<T> fmt::Debug for Pages<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("pager", &self.pager)
            .field("in_flight", &self.in_flight.as_ref().map(|(page, _)| page))
            .finish_non_exhaustive()
    }
}

/// The blocking twin of [`Pages`]: an iterator of pages; see
/// [`blocking::pages`](crate::blocking::pages).
#[must_use = "an iterator does nothing unless iterated"]
pub struct BlockingPages<'a, T> {
    pager: Pager,
    fetch: Box<dyn FnMut(Page) -> Result<Vec<T>> + 'a>,
}

pub(crate) fn blocking_pages<'a, T, F>(first: Page, fetch: F) -> BlockingPages<'a, T>
where
    F: FnMut(Page) -> Result<Vec<T>> + 'a,
{
    BlockingPages { pager: Pager::new(first), fetch: Box::new(fetch) }
}

impl<T> Iterator for BlockingPages<'_, T> {
    type Item = Result<Vec<T>>;

    fn next(&mut self) -> Option<Self::Item> {
        let page = match self.pager.start()? {
            Ok(page) => page,
            Err(error) => return Some(Err(error)),
        };
        let answer = (self.fetch)(page);
        self.pager.finish(page, &answer);
        Some(answer)
    }
}

impl<T> std::iter::FusedIterator for BlockingPages<'_, T> {}

impl<T> fmt::Debug for BlockingPages<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPages").field("pager", &self.pager).finish_non_exhaustive()
    }
}

/// `.pages()` on a builder that pages, in both modes; the builder has a `page: Page` field
/// and `fn fetch(&self, page: Page) -> ApiCall<Vec<T>>`.
macro_rules! paged_builder {
    ($builder:ident, $item:ty) => {
        impl<'a> $builder<'a, $crate::Async> {
            /// Every page from the one set with `.page()` (default: the first of 60) as a
            /// stream, until a short page; see [`pages`](crate::pages).
            pub fn pages(self) -> $crate::Pages<'a, $item> {
                let first = self.page;
                $crate::pages(first, move |page| self.fetch(page))
            }
        }

        impl<'a> $builder<'a, $crate::Blocking> {
            /// Every page from the one set with `.page()` (default: the first of 60) as an
            /// iterator, until a short page; see [`blocking::pages`](crate::blocking::pages).
            pub fn pages(self) -> $crate::blocking::Pages<'a, $item> {
                let first = self.page;
                $crate::blocking::pages(first, move |page| self.client.run(self.fetch(page)))
            }
        }
    };
}

pub(crate) use paged_builder;

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::TryStreamExt;

    use super::*;
    use crate::error::ErrorKind;

    /// The pages a test listing was asked for, in order.
    type Asked = Arc<Mutex<Vec<Page>>>;

    /// A listing of `total` numbers served `per_page` at a time, recording each page asked for;
    /// the page at `fail_at` fails.
    fn listing(total: u32, fail_at: Option<u32>) -> (Asked, impl FnMut(Page) -> Result<Vec<u32>>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&asked);
        let fetch = move |page: Page| {
            log.lock().unwrap().push(page);
            if Some(page.index()) == fail_at {
                return Err(Error::invalid_input("page refused"));
            }
            let start = page.index().saturating_mul(page.per_page());
            Ok((start..total.min(start.saturating_add(page.per_page()))).collect())
        };
        (asked, fetch)
    }

    fn walk_blocking(first: Page, total: u32, fail_at: Option<u32>) -> (Vec<Result<Vec<u32>>>, Vec<Page>) {
        let (asked, fetch) = listing(total, fail_at);
        let pages: Vec<_> = blocking_pages(first, fetch).collect();
        let asked = asked.lock().unwrap().clone();
        (pages, asked)
    }

    #[test]
    fn asks_page_after_page_until_a_short_one() {
        let (pages, asked) = walk_blocking(Page::first(3), 7, None);
        assert_eq!(asked, vec![Page::new(0, 3), Page::new(1, 3), Page::new(2, 3)]);
        let items: Vec<Vec<u32>> = pages.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
    }

    #[test]
    fn an_exact_multiple_ends_with_an_empty_page() {
        let (pages, asked) = walk_blocking(Page::first(3), 6, None);
        assert_eq!(asked, vec![Page::new(0, 3), Page::new(1, 3), Page::new(2, 3)]);
        assert_eq!(pages.last().unwrap().as_ref().unwrap(), &Vec::<u32>::new());
    }

    #[test]
    fn starts_at_the_given_page() {
        let (pages, asked) = walk_blocking(Page::new(2, 2), 5, None);
        assert_eq!(asked, vec![Page::new(2, 2)]);
        assert_eq!(pages.into_iter().map(Result::unwrap).collect::<Vec<_>>(), vec![vec![4]]);
    }

    #[test]
    fn an_error_is_yielded_once_and_ends_the_walk() {
        let (pages, asked) = walk_blocking(Page::first(2), 10, Some(1));
        assert_eq!(asked, vec![Page::new(0, 2), Page::new(1, 2)]);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].as_ref().unwrap(), &vec![0, 1]);
        assert_eq!(pages[1].as_ref().unwrap_err().message(), "page refused");
    }

    #[test]
    fn a_page_size_of_zero_is_an_error_without_a_call() {
        let (pages, asked) = walk_blocking(Page::first(0), 10, None);
        assert!(asked.is_empty());
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].as_ref().unwrap_err().kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn a_full_last_nameable_page_ends_with_an_error() {
        let last = Page::new(i32::MAX as u32, 1);
        let mut pager = Pager::new(last);
        assert_eq!(pager.start().unwrap().unwrap(), last);
        pager.finish(last, &Ok(vec![1]));
        let error = pager.start().unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MalformedResponse);
        assert!(error.message().contains("does not end the listing"), "{error}");
        assert!(pager.start().is_none());
    }

    #[tokio::test]
    async fn the_stream_asks_the_same_pages_as_the_iterator() {
        let (asked, mut fetch) = listing(7, None);
        let mut stream = pages(Page::first(3), move |page| ApiCall::new(std::future::ready(fetch(page))));
        let mut items = Vec::new();
        while let Some(page) = stream.try_next().await.unwrap() {
            items.push(page);
        }
        assert_eq!(items, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
        assert_eq!(*asked.lock().unwrap(), vec![Page::new(0, 3), Page::new(1, 3), Page::new(2, 3)]);
        assert!(stream.try_next().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_stream_ends_after_an_error() {
        let (asked, mut fetch) = listing(10, Some(0));
        let mut stream = pages(Page::first(5), move |page| ApiCall::new(std::future::ready(fetch(page))));
        assert!(stream.try_next().await.is_err());
        assert!(stream.try_next().await.unwrap().is_none());
        assert_eq!(asked.lock().unwrap().len(), 1);
    }
}
