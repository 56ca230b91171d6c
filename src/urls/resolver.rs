//! Flattened URL configuration: resolving a path and reversing a name.

use super::{Pattern, PatternError, RoutePattern, RouteTarget, Urls, View, ViewLayer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// One leaf route with its full pattern and qualified name.
pub struct ResolvedRoute {
    /// The full route (prefixes of includes joined).
    pub pattern: RoutePattern,
    /// The qualified name (`blog:detail`), if named.
    pub name: Option<String>,
    /// Exempt from the CSRF check.
    pub csrf_exempt: bool,
    /// The view, lent to one request at a time by [`ResolvedRoute::call`].
    view: Mutex<View>,
    /// `pattern.route()` and `name`, shared with every [`UrlMatch`] of this route.
    shared_route: Arc<str>,
    shared_name: Option<Arc<str>>,
}

impl ResolvedRoute {
    /// Calls the view with a request: its response future, which owns what it needs.
    ///
    /// A `MethodRouter` answers through `&mut self`, though it changes nothing, so the route lends
    /// it under a lock held while the future is made, never while it runs, where a clone per
    /// request would copy the handler of every method the route has.
    pub(crate) fn call(
        &self,
        request: axum::extract::Request,
    ) -> axum::routing::future::RouteFuture<std::convert::Infallible> {
        let mut view = self.view.lock().unwrap_or_else(PoisonError::into_inner);
        tower::Service::call(&mut *view, request)
    }
}

/// The outcome of resolving a path.
#[derive(Debug, Clone)]
pub struct UrlMatch {
    /// The full route that matched.
    pub route: Arc<str>,
    /// Its qualified name.
    pub url_name: Option<Arc<str>>,
    /// Converted parameters, in order.
    pub kwargs: Vec<(String, serde_json::Value)>,
}

/// A name that cannot be reversed with the given arguments.
#[derive(Debug, Clone, thiserror::Error)]
#[error("NoReverseMatch: {0}")]
pub struct NoReverseMatch(pub String);

/// All routes of a project, in the order they are tried.
pub struct Resolver {
    routes: Vec<ResolvedRoute>,
    root_is_empty: bool,
    /// Route indices by qualified name, in order.
    by_name: HashMap<String, Vec<usize>>,
    /// The path of each name that reverses without arguments (its first parameterless route).
    static_paths: HashMap<String, String>,
}

impl Resolver {
    /// Flattens a URL configuration; fails on the first route that does not parse.
    pub fn new(patterns: Vec<Pattern>) -> Result<Resolver, PatternError> {
        let root_is_empty = patterns
            .iter()
            .all(|p| matches!(&p.target, RouteTarget::Include(u) if u.builtin));
        let mut routes = Vec::new();
        flatten(patterns, "", &[], &[], &mut routes)?;
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut static_paths = HashMap::new();
        for (i, route) in routes.iter().enumerate() {
            let Some(name) = &route.name else { continue };
            by_name.entry(name.clone()).or_default().push(i);
            if let Some(path) = route.pattern.static_path() {
                static_paths.entry(name.clone()).or_insert(path);
            }
        }
        Ok(Resolver {
            routes,
            root_is_empty,
            by_name,
            static_paths,
        })
    }

    /// Whether the root URL configuration has no pattern at all (the welcome page is shown).
    pub fn is_empty(&self) -> bool {
        self.root_is_empty
    }

    /// All leaf routes in order.
    pub fn routes(&self) -> &[ResolvedRoute] {
        &self.routes
    }

    /// Finds the first route matching `path` (with or without the leading `/`).
    pub fn resolve(&self, path: &str) -> Option<(usize, UrlMatch)> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let slashes = super::pattern::slash_count(path);
        self.routes.iter().enumerate().find_map(|(i, r)| {
            r.pattern.matches_counted(path, slashes).map(|kwargs| {
                (
                    i,
                    UrlMatch {
                        route: r.shared_route.clone(),
                        url_name: r.shared_name.clone(),
                        kwargs,
                    },
                )
            })
        })
    }

    /// Builds the path of a named route from positional or keyword arguments.
    pub fn reverse(
        &self,
        name: &str,
        args: &[String],
        kwargs: &[(&str, String)],
    ) -> Result<String, NoReverseMatch> {
        if args.is_empty()
            && kwargs.is_empty()
            && let Some(path) = self.static_paths.get(name)
        {
            return Ok(path.clone());
        }
        let candidates: Vec<&ResolvedRoute> = self
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.routes.get(i))
            .collect();
        if candidates.is_empty() {
            let hint = self
                .routes
                .iter()
                .filter_map(|r| r.name.as_deref())
                .map(|n| (strsim::jaro_winkler(n, name), n))
                .filter(|(s, _)| *s > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, n)| format!(" Did you mean '{n}'?"))
                .unwrap_or_default();
            return Err(NoReverseMatch(format!(
                "'{name}' is not a valid view name.{hint}"
            )));
        }
        for route in &candidates {
            let pattern = &route.pattern;
            let count = pattern.param_names().count();
            let fits = if args.is_empty() {
                kwargs.len() == count
                    && kwargs
                        .iter()
                        .all(|(k, _)| pattern.param_names().any(|n| n == *k))
            } else {
                kwargs.is_empty() && args.len() == count
            };
            if !fits {
                continue;
            }
            let lookup = |param: &str| -> Option<&str> {
                if args.is_empty() {
                    kwargs
                        .iter()
                        .find(|(k, _)| *k == param)
                        .map(|(_, v)| v.as_str())
                } else {
                    pattern
                        .param_names()
                        .position(|n| n == param)
                        .and_then(|i| args.get(i))
                        .map(String::as_str)
                }
            };
            if let Some(path) = pattern.reverse_with(&lookup) {
                return Ok(path);
            }
        }
        let given = if args.is_empty() {
            format!(
                "keyword arguments {{{}}}",
                kwargs
                    .iter()
                    .map(|(k, v)| format!("'{k}': '{v}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("arguments ({})", args.join(", "))
        };
        let tried: Vec<String> = candidates
            .iter()
            .map(|r| format!("'{}'", r.pattern.route()))
            .collect();
        Err(NoReverseMatch(format!(
            "Reverse for '{name}' with {given} not found. {} pattern(s) tried: [{}]",
            tried.len(),
            tried.join(", ")
        )))
    }

    /// Every name that reverses without arguments, with its path (what `url("name")` gives).
    pub fn static_paths(&self) -> impl Iterator<Item = (&str, &str)> {
        self.static_paths
            .iter()
            .map(|(name, path)| (name.as_str(), path.as_str()))
    }

    /// Names used by more than one route (reported by `check`).
    pub fn duplicate_names(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeMap::<&str, usize>::new();
        for name in self.routes.iter().filter_map(|r| r.name.as_deref()) {
            *seen.entry(name).or_default() += 1;
        }
        seen.into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(name, _)| name.to_string())
            .collect()
    }
}

/// `outer` holds the layers of the enclosing includes, outermost first.
fn flatten(
    patterns: Vec<Pattern>,
    prefix: &str,
    namespaces: &[String],
    outer: &[ViewLayer],
    out: &mut Vec<ResolvedRoute>,
) -> Result<(), PatternError> {
    for p in patterns {
        let full = format!("{prefix}{}", p.route);
        match p.target {
            RouteTarget::View(view) => {
                let pattern = RoutePattern::parse(&full)?;
                let name = p.name.map(|n| {
                    let mut parts = namespaces.to_vec();
                    parts.push(n);
                    parts.join(":")
                });
                out.push(ResolvedRoute {
                    shared_route: Arc::from(pattern.route()),
                    shared_name: name.as_deref().map(Arc::from),
                    pattern,
                    name,
                    csrf_exempt: p.csrf_exempt,
                    // The route's own layers inside, the includes' around them; bound to its
                    // (unit) state once, so no request re-boxes the handler.
                    view: Mutex::new(
                        p.layers
                            .iter()
                            .chain(outer.iter().rev())
                            .fold(*view, |v, layer| layer(v))
                            .with_state(()),
                    ),
                });
            }
            RouteTarget::Include(Urls {
                namespace,
                patterns,
                layers,
                ..
            }) => {
                // Check the prefix on its own so an error names the route the user wrote.
                RoutePattern::parse(&full)?;
                let mut ns = namespaces.to_vec();
                ns.extend(namespace);
                let mut around: Vec<ViewLayer> = outer.to_vec();
                around.extend(p.layers.iter().rev().cloned());
                around.extend(layers.iter().rev().cloned());
                flatten(patterns, &full, &ns, &around, out)?;
            }
        }
    }
    Ok(())
}

static CURRENT: RwLock<Option<Arc<Resolver>>> = RwLock::new(None);

pub(crate) fn set_current(resolver: Arc<Resolver>) {
    if let Ok(mut slot) = CURRENT.write() {
        *slot = Some(resolver);
    }
}

/// Reverses a route name of the running project, as Django's `reverse()`.
///
/// `kwargs` are the route's parameters by name. Works once the project's site is built
/// (in a view, a command or a test client).
///
/// ```no_run
/// let url = roan::urls::reverse("blog:detail", &[("id", "3")]).unwrap();
/// assert_eq!(url, "/blog/3/");
/// ```
pub fn reverse(name: &str, kwargs: &[(&str, &str)]) -> Result<String, NoReverseMatch> {
    let resolver = CURRENT
        .read()
        .ok()
        .and_then(|slot| slot.clone())
        .ok_or_else(|| {
            NoReverseMatch("no URL configuration is loaded yet (build the site first)".into())
        })?;
    let kwargs: Vec<(&str, String)> = kwargs.iter().map(|(k, v)| (*k, v.to_string())).collect();
    resolver.reverse(name, &[], &kwargs)
}
