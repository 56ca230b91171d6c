//! Pages of a list, as Django's `django.core.paginator`: a [`Paginator`] knows how many items
//! there are and how many go on a page; a [`Page`] holds one page's items and the numbers a
//! template shows around them.
//!
//! ```
//! use roan::paginator::Paginator;
//!
//! let items: Vec<u32> = (1..=23).collect();
//! let paginator = Paginator::new(items.len() as u64, 10);
//! assert_eq!(paginator.num_pages(), 3);
//! let page = paginator.page_of(&items, 3).unwrap();
//! assert_eq!(page.object_list, vec![21, 22, 23]);
//! assert_eq!((page.start_index(), page.end_index()), (21, 23));
//! assert!(!page.has_next());
//! ```
//!
//! A query pages in the database: only the page's rows are fetched.
//!
//! ```no_run
//! # async fn v<E: sea_orm::EntityTrait>(db: &sea_orm::DatabaseConnection, select: sea_orm::Select<E>)
//! # -> roan::Result<()> where E::Model: Sync {
//! let page = roan::paginator::paginate(db, select, 25, "2").await?;
//! println!("page {} of {}", page.number, page.paginator.num_pages());
//! # Ok(()) }
//! ```

use crate::http::Error;
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect, Select};
use std::ops::RangeInclusive;
use std::sync::Arc;

/// Why a page number was refused, with Django's messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPage {
    /// Not a number (Django's `PageNotAnInteger`).
    #[error("That page number is not an integer")]
    NotAnInteger,
    /// Below 1 (Django's `EmptyPage`).
    #[error("That page number is less than 1")]
    LessThanOne,
    /// Past the last page (Django's `EmptyPage`).
    #[error("That page contains no results")]
    NoResults,
}

/// How a list of `count` items splits into pages of `per_page`.
///
/// `orphans`: a last page with this many items or fewer is joined to the page before it.
/// `allow_empty_first_page`: whether page 1 of an empty list exists (it does by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paginator {
    /// How many items there are in all.
    pub count: u64,
    /// Items on a full page (at least 1).
    pub per_page: u64,
    /// Items that may join the page before instead of making a last page of their own.
    pub orphans: u64,
    /// Whether an empty list has a page 1.
    pub allow_empty_first_page: bool,
}

impl Paginator {
    /// A paginator over `count` items, `per_page` a page (0 is taken as 1).
    pub fn new(count: u64, per_page: u64) -> Paginator {
        Paginator {
            count,
            per_page: per_page.max(1),
            orphans: 0,
            allow_empty_first_page: true,
        }
    }

    /// Sets `orphans`.
    pub fn orphans(mut self, orphans: u64) -> Paginator {
        self.orphans = orphans;
        self
    }

    /// Sets `allow_empty_first_page`.
    pub fn allow_empty_first_page(mut self, allow: bool) -> Paginator {
        self.allow_empty_first_page = allow;
        self
    }

    /// The number of pages (1 for an empty list when its first page is allowed).
    pub fn num_pages(&self) -> u64 {
        if self.count == 0 && !self.allow_empty_first_page {
            return 0;
        }
        let hits = self.count.saturating_sub(self.orphans).max(1);
        hits.div_ceil(self.per_page)
    }

    /// `1..=num_pages`, for a template's page links.
    pub fn page_range(&self) -> RangeInclusive<u64> {
        1..=self.num_pages()
    }

    /// A page number as a URL gives it (`?page=2`, or `last`), checked against the pages.
    ///
    /// ```
    /// use roan::paginator::{InvalidPage, Paginator};
    /// let p = Paginator::new(30, 10);
    /// assert_eq!(p.validate_number("last"), Ok(3));
    /// assert_eq!(p.validate_number("4"), Err(InvalidPage::NoResults));
    /// assert_eq!(p.validate_number("x"), Err(InvalidPage::NotAnInteger));
    /// ```
    pub fn validate_number(&self, number: &str) -> Result<u64, InvalidPage> {
        let number = number.trim();
        if number == "last" {
            return self.check(self.num_pages().max(1));
        }
        // Django accepts whole floats ("2.0") too.
        let parsed = number.parse::<i64>().ok().or_else(|| {
            number
                .parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.is_finite())
                .map(|f| f as i64)
        });
        match parsed {
            None => Err(InvalidPage::NotAnInteger),
            Some(n) if n < 1 => Err(InvalidPage::LessThanOne),
            Some(n) => self.check(n as u64),
        }
    }

    fn check(&self, number: u64) -> Result<u64, InvalidPage> {
        if number < 1 {
            return Err(InvalidPage::LessThanOne);
        }
        if number > self.num_pages() && !(number == 1 && self.allow_empty_first_page) {
            return Err(InvalidPage::NoResults);
        }
        Ok(number)
    }

    /// A valid page number for any input, as Django's `get_page`: not a number gives the first
    /// page, past the end the last.
    pub fn get_number(&self, number: &str) -> u64 {
        match self.validate_number(number) {
            Ok(n) => n,
            Err(InvalidPage::NoResults) => self.num_pages().max(1),
            Err(_) => 1,
        }
    }

    /// The items of page `number` (from 1) as offsets: `offset..end`.
    pub fn bounds(&self, number: u64) -> (u64, u64) {
        let offset = (number.max(1) - 1) * self.per_page;
        let mut end = offset + self.per_page;
        if end + self.orphans >= self.count {
            end = self.count;
        }
        (offset.min(self.count), end.min(self.count))
    }

    /// Page `number` of a list in memory (`items` holds every item, `count` of them).
    pub fn page_of<T: Clone>(&self, items: &[T], number: u64) -> Result<Page<T>, InvalidPage> {
        let number = self.check(number)?;
        let (start, end) = self.bounds(number);
        let object_list = items
            .get(start as usize..(end as usize).min(items.len()))
            .unwrap_or_default()
            .to_vec();
        Ok(self.page(object_list, number))
    }

    /// A page from items already fetched for it (as [`paginate`] does with `LIMIT`/`OFFSET`).
    pub fn page<T>(&self, object_list: Vec<T>, number: u64) -> Page<T> {
        Page {
            object_list,
            number,
            paginator: *self,
        }
    }
}

/// One page: its items and its place among the pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items on this page.
    pub object_list: Vec<T>,
    /// This page's number, from 1.
    pub number: u64,
    /// The paginator it belongs to.
    pub paginator: Paginator,
}

impl<T> Page<T> {
    /// Whether a page follows.
    pub fn has_next(&self) -> bool {
        self.number < self.paginator.num_pages()
    }

    /// Whether a page comes before.
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    /// Whether there is any other page.
    pub fn has_other_pages(&self) -> bool {
        self.has_next() || self.has_previous()
    }

    /// The next page's number, if there is one.
    pub fn next_page_number(&self) -> Option<u64> {
        self.has_next().then_some(self.number + 1)
    }

    /// The previous page's number, if there is one.
    pub fn previous_page_number(&self) -> Option<u64> {
        self.has_previous().then(|| self.number - 1)
    }

    /// The 1-based index of the page's first item among all (0 for an empty list).
    pub fn start_index(&self) -> u64 {
        if self.paginator.count == 0 {
            return 0;
        }
        self.paginator.bounds(self.number).0 + 1
    }

    /// The 1-based index of the page's last item among all.
    pub fn end_index(&self) -> u64 {
        self.paginator.bounds(self.number).1
    }
}

impl<T: serde::Serialize> Page<T> {
    /// The page as templates see it: `{% for q in page_obj %}`, `page_obj.number`,
    /// `page_obj.has_next`, `page_obj.next_page_number`, `page_obj.paginator.num_pages`, ...
    /// (Django's method names, read without parentheses).
    pub fn to_value(&self) -> Value {
        Value::from_object(PageObject {
            objects: self
                .object_list
                .iter()
                .map(|o| Value::from(minijinja::value::Serde(o)))
                .collect(),
            number: self.number,
            paginator: self.paginator,
        })
    }
}

/// A paginator as templates see it: `count`, `num_pages`, `per_page`, `page_range`.
pub fn paginator_value(paginator: &Paginator) -> Value {
    Value::from_object(PaginatorObject(*paginator))
}

#[derive(Debug)]
struct PaginatorObject(Paginator);

impl Object for PaginatorObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let p = &self.0;
        Some(match key.as_str()? {
            "count" => Value::from(p.count),
            "num_pages" => Value::from(p.num_pages()),
            "per_page" => Value::from(p.per_page),
            "orphans" => Value::from(p.orphans),
            "allow_empty_first_page" => Value::from(p.allow_empty_first_page),
            "page_range" => Value::from(p.page_range().collect::<Vec<_>>()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["count", "num_pages", "per_page", "page_range"])
    }
}

#[derive(Debug)]
struct PageObject {
    objects: Vec<Value>,
    number: u64,
    paginator: Paginator,
}

impl Object for PageObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if let Some(i) = key.as_usize() {
            return self.objects.get(i).cloned();
        }
        let page = Page {
            object_list: Vec::<()>::new(),
            number: self.number,
            paginator: self.paginator,
        };
        Some(match key.as_str()? {
            "number" => Value::from(self.number),
            "object_list" => Value::from(self.objects.clone()),
            "has_next" => Value::from(page.has_next()),
            "has_previous" => Value::from(page.has_previous()),
            "has_other_pages" => Value::from(page.has_other_pages()),
            "next_page_number" => page.next_page_number().map(Value::from).unwrap_or_default(),
            "previous_page_number" => page
                .previous_page_number()
                .map(Value::from)
                .unwrap_or_default(),
            "start_index" => Value::from(page.start_index()),
            "end_index" => Value::from(page.end_index()),
            "paginator" => paginator_value(&self.paginator),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.objects.len())
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<Page {} of {}>",
            self.number,
            self.paginator.num_pages()
        )
    }
}

/// Page `number` (as the URL gives it: `"2"`, `"last"`) of a query, `per_page` rows a page:
/// one `COUNT` and one `LIMIT`/`OFFSET` query. A page that does not exist is a 404 with
/// Django's message ("Invalid page (9): That page contains no results").
pub async fn paginate<E>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    per_page: u64,
    number: &str,
) -> Result<Page<E::Model>, Error>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let count = query.clone().count(db).await?;
    let paginator = Paginator::new(count, per_page);
    let n = paginator
        .validate_number(number)
        .map_err(|e| Error::NotFound(format!("Invalid page ({number}): {e}")))?;
    let (start, end) = paginator.bounds(n);
    let rows = query.offset(start).limit(end - start).all(db).await?;
    Ok(paginator.page(rows, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_as_django_counts_them() {
        let p = Paginator::new(0, 10);
        assert_eq!(p.num_pages(), 1);
        assert_eq!(p.validate_number("1"), Ok(1));
        assert_eq!(
            Paginator::new(0, 10)
                .allow_empty_first_page(false)
                .validate_number("1"),
            Err(InvalidPage::NoResults)
        );
        // 11 items, 10 a page, 1 orphan allowed: one page of 11.
        let p = Paginator::new(11, 10).orphans(1);
        assert_eq!(p.num_pages(), 1);
        assert_eq!(p.bounds(1), (0, 11));
        let p = Paginator::new(12, 10).orphans(1);
        assert_eq!(p.num_pages(), 2);
        assert_eq!(p.bounds(2), (10, 12));
        assert_eq!(p.validate_number("0"), Err(InvalidPage::LessThanOne));
        assert_eq!(p.validate_number("2.0"), Ok(2));
        assert_eq!(p.get_number("99"), 2);
        assert_eq!(p.get_number("abc"), 1);
    }

    #[test]
    fn a_page_knows_its_neighbours() {
        let items: Vec<u32> = (1..=25).collect();
        let p = Paginator::new(25, 10);
        let page = p.page_of(&items, 2).unwrap();
        assert_eq!(page.object_list.len(), 10);
        assert_eq!(page.previous_page_number(), Some(1));
        assert_eq!(page.next_page_number(), Some(3));
        assert_eq!((page.start_index(), page.end_index()), (11, 20));
        let last = p.page_of(&items, 3).unwrap();
        assert_eq!(last.object_list, vec![21, 22, 23, 24, 25]);
        assert_eq!(last.next_page_number(), None);
        assert_eq!(p.page_of(&items, 4), Err(InvalidPage::NoResults));
    }

    #[test]
    fn templates_read_a_page_with_djangos_names() {
        let items: Vec<u32> = (1..=25).collect();
        let page = Paginator::new(25, 10).page_of(&items, 3).unwrap();
        let env = minijinja::Environment::new();
        let out = env
            .render_str(
                "{% for i in page_obj %}{{ i }},{% endfor %} {{ page_obj.number }}/{{ page_obj.paginator.num_pages }} \
                 {{ page_obj.has_next }} {{ page_obj.previous_page_number }} {{ page_obj|length }} \
                 {% for n in page_obj.paginator.page_range %}{{ n }}{% endfor %}",
                minijinja::context! { page_obj => page.to_value() },
            )
            .unwrap();
        assert_eq!(out, "21,22,23,24,25, 3/3 False 2 5 123");
    }
}
