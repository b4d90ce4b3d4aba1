//! Paging through a list as a stream of items, one page in memory at a time.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use secmaster_bindings::{FieldKind, Operation, QueryKind};

use crate::Error;
use crate::operations::Page;

/// The page size `.items()` asks for when the builder sets none (the service's largest for
/// most lists), within the bounds the spec gives `limit`.
const DEFAULT_PAGE_LIMIT: u32 = 100;

/// The bounds the spec puts on `op`'s paging parameter `name` (`offset`, `limit`): on the query
/// parameter or, for a search, the body field.
fn bounds(op: &Operation, name: &str) -> (Option<i64>, Option<i64>) {
    let kind = if op.pages_in_body {
        let field = op
            .request
            .and_then(|b| b.fields.iter().find(|f| f.name == name));
        match field.map(|f| f.kind) {
            Some(FieldKind::Integer { min, max }) => Some((min, max)),
            _ => None,
        }
    } else {
        match op.query_param(name).map(|q| q.kind) {
            Some(QueryKind::Integer { min, max }) => Some((min, max)),
            _ => None,
        }
    };
    kind.unwrap_or((None, None))
}

/// The largest `offset` `op` takes: the spec's bound (u32's largest when it states none), and
/// inside its paging window with room for a page of the smallest limit it takes.
fn max_offset(op: &Operation) -> u32 {
    let to_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    let bound = bounds(op, "offset")
        .1
        .map_or(u32::MAX, |m| to_u32(m.unsigned_abs()));
    let window = op.paging_window.map_or(u32::MAX, |w| {
        to_u32(
            u64::from(w)
                .saturating_sub(1)
                .saturating_sub(op.smallest_limit()),
        )
    });
    bound.min(window)
}

/// The page size when the builder sets none: [`DEFAULT_PAGE_LIMIT`] within the spec's bounds
/// on `limit` (ListPlaybookAuditLogs takes 10 to 50).
fn default_limit(op: &Operation) -> u32 {
    let (min, max) = bounds(op, "limit");
    let limit = i64::from(DEFAULT_PAGE_LIMIT);
    let limit = max.map_or(limit, |max| limit.min(max));
    let limit = min.map_or(limit, |min| limit.max(min));
    u32::try_from(limit).unwrap_or(DEFAULT_PAGE_LIMIT)
}

pub(crate) type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;

/// Fetches the page at `(offset, limit)`.
type Fetch<T> = Box<dyn FnMut(u32, u32) -> PageFuture<T> + Send>;

/// The items of a list, page after page: a [`Stream`] of `Result<T, Error>`.
///
/// Made by a list builder's `.items()`. It starts at the builder's offset and asks for pages of
/// the builder's limit (100 when none is set, within the spec's bounds), keeping one page in
/// memory. It ends when `offset + items yielded` reaches the `total` the service reports, or
/// when a page holds fewer items than the limit (none included), so it ends even when `total`
/// is missing or wrong. An error is its last item: a bound out of range (nothing sent), a
/// failed call (after the client's retries), or [`Error::PagingLimit`] when the next page
/// would start past the service's largest offset (the spec's bound: 10000) or leave its
/// paging window (`offset + limit` below 10000 for playbook instances and audit logs: the last
/// page's limit shrinks to fit) while the walk has not ended (a full page and a `total`, if
/// any, not reached). The first page is asked for with the builder's parameters as set:
/// without an `offset` when none was set.
///
/// Offset paging reads a list that may change meanwhile: an item created or deleted during the
/// walk can shift the others, so that one is skipped or yielded twice. Sort by creation time
/// and filter to keep the walk stable, or de-duplicate by ID.
///
/// Use it with any stream combinator library (`futures::StreamExt`, `tokio_stream::StreamExt`):
///
/// ```no_run
/// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
/// use futures_util::TryStreamExt;
///
/// let mut items = client.list_workflows("project-id", "workspace-id").enabled(true).items();
/// while let Some(workflow) = items.try_next().await? {
///     println!("{}", workflow.name.as_deref().unwrap_or(""));
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a stream does nothing unless polled"]
pub struct Items<T> {
    fetch: Fetch<T>,
    /// The offset of the next page to ask for.
    offset: u32,
    limit: u32,
    /// The largest offset the service takes.
    max_offset: u32,
    /// `offset + limit` stay below it (the spec's `x-paging-window`): a page's limit shrinks to
    /// fit.
    window: Option<u32>,
    /// The fewest items a page may ask for (the spec's minimum `limit`).
    smallest: u32,
    /// The limit the page being read was asked with.
    asked: u32,
    yielded: u64,
    buffer: VecDeque<T>,
    pending: Option<PageFuture<T>>,
    /// Why the walk ends once the buffer is drained: `None` to go on, `Some(None)` to end,
    /// `Some(Some(e))` to yield `e` and then end.
    end: Option<Option<Error>>,
    total: Option<u64>,
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("offset", &self.offset)
            .field("limit", &self.limit)
            .field("yielded", &self.yielded)
            .field("buffered", &self.buffer.len())
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

/// The walk of a list builder of operation `op` whose `offset` and `limit` are set to `start`
/// and `limit` (in its query or its body): from `start` (0 when unset), in pages of `limit`
/// ([`default_limit`] when unset), up to the spec's largest offset. `send` sends one page
/// with the offset (`None` for the first page when the builder set none: it goes as the builder
/// set it) and the limit it is given.
pub(crate) fn walk<T>(
    op: &Operation,
    (start, limit): (Option<u32>, Option<u32>),
    mut send: impl FnMut(Option<u32>, u32) -> PageFuture<T> + Send + 'static,
) -> Items<T> {
    let limit = limit.unwrap_or_else(|| default_limit(op));
    let mut items = Items::new(
        start.unwrap_or(0),
        limit,
        max_offset(op),
        move |offset, limit| send((start.is_some() || offset != 0).then_some(offset), limit),
    );
    items.window = op.paging_window;
    items.smallest = u32::try_from(op.smallest_limit()).unwrap_or(1);
    items
}

impl<T> Items<T> {
    /// A walk from `offset` in pages of `limit`, each fetched by `fetch(offset, limit)`, up to
    /// the offset `max_offset`.
    pub(crate) fn new(
        offset: u32,
        limit: u32,
        max_offset: u32,
        fetch: impl FnMut(u32, u32) -> PageFuture<T> + Send + 'static,
    ) -> Self {
        Self {
            fetch: Box::new(fetch),
            offset,
            limit,
            max_offset,
            window: None,
            smallest: 1,
            asked: limit,
            yielded: 0,
            buffer: VecDeque::new(),
            pending: None,
            end: None,
            total: None,
        }
    }

    /// The next item, `None` after the last: the stream's next item without a stream helper
    /// crate (`while let Some(item) = items.try_next().await? { .. }`).
    ///
    /// # Errors
    /// The walk's error item (see [`Items`]); the walk ends after it.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Every remaining item, in order, in one `Vec` (all pages in memory: prefer
    /// [`try_next`](Self::try_next) for long lists).
    ///
    /// # Errors
    /// The walk's error item (see [`Items`]); the items read before it are dropped.
    pub async fn try_collect_vec(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.try_next().await? {
            all.push(item);
        }
        Ok(all)
    }

    /// How many items match in all, as the last page read said (`None` before the first page,
    /// or when the service does not say).
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The limit to ask the next page with: the walk's, shrunk so that `offset + limit` stays
    /// inside the window, never below the smallest limit the spec takes. The walk goes on only
    /// from offsets where such a page fits; a first page set past the window is asked with the
    /// walk's limit, which the request's check refuses naming `offset`.
    fn page_limit(&self) -> u32 {
        let Some(window) = self.window else {
            return self.limit;
        };
        let room = window.saturating_sub(1).saturating_sub(self.offset);
        if room < self.smallest {
            self.limit
        } else {
            self.limit.min(room)
        }
    }

    /// Takes in a page: buffers its items and decides whether another page follows.
    fn take(&mut self, page: Page<T>) {
        let got = page.items.len();
        self.total = page.total;
        self.buffer.extend(page.items);
        let read = u64::from(self.offset) + got as u64;
        // An empty page ends the walk whatever its limit (a limit of 0 would ask again forever).
        let short = got == 0 || got < self.asked as usize;
        let all_read = page.total.is_some_and(|total| read >= total);
        if short || all_read {
            self.end = Some(None);
            return;
        }
        // Past what this page held (a page longer than asked for is not read twice).
        let next = u64::from(self.offset) + got as u64;
        match u32::try_from(next).ok().filter(|n| *n <= self.max_offset) {
            Some(next) => self.offset = next,
            None => {
                self.end = Some(Some(Error::PagingLimit {
                    max_offset: self.max_offset,
                    yielded: self.yielded + got as u64,
                    total: page.total,
                }));
            }
        }
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // `Items` holds no self-references: the page future is boxed.
        let this = Pin::into_inner(self);
        loop {
            if let Some(item) = this.buffer.pop_front() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(end) = this.end.as_mut() {
                return Poll::Ready(end.take().map(Err));
            }
            let pending = match this.pending.as_mut() {
                Some(pending) => pending,
                None => {
                    this.asked = this.page_limit();
                    this.pending.insert((this.fetch)(this.offset, this.asked))
                }
            };
            let page = ready!(pending.as_mut().poll(cx));
            this.pending = None;
            match page {
                Ok(page) => this.take(page),
                Err(e) => this.end = Some(Some(e)),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // No upper bound: `total` is the service's word, which may be wrong.
        (self.buffer.len(), None)
    }
}

impl<T> Unpin for Items<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use secmaster_bindings::operations::ALL;

    /// Every list of the spec: the walk's page size when none is set is one the spec allows,
    /// and its largest offset leaves room for a page of the smallest limit in its window.
    #[test]
    fn every_lists_default_page_and_last_offset_are_ones_the_spec_allows() {
        let mut lists = 0;
        for op in ALL.iter().filter(|op| op.paged) {
            lists += 1;
            let (min, max) = bounds(op, "limit");
            let limit = i64::from(default_limit(op));
            assert!(
                min.is_none_or(|m| limit >= m) && max.is_none_or(|m| limit <= m),
                "{}: a walk without .limit() asks {limit}, outside {min:?}..{max:?}",
                op.id
            );
            let last = u64::from(max_offset(op));
            assert!(
                op.in_paging_window(last, op.smallest_limit()),
                "{}: no page fits at the largest offset {last}",
                op.id
            );
            let offset_max = bounds(op, "offset").1;
            assert!(
                offset_max.is_none_or(|m| last <= m.unsigned_abs()),
                "{}: {last} is past the offset's bound",
                op.id
            );
        }
        assert!(lists >= 14, "{lists} lists: the spec has 14 paged lists");
    }
}
