//! The template functions and filters, bound to one language: `t`, `url`, `link`, `section`,
//! `asset`, `by_id`, `local_date`, `money`.
//! In: the site, the compiled templates, asset URLs, listings and UI strings. Out: per language,
//! the templates with functions that answer for that language (no state shared between pages).

use super::{Inputs, Listings};
use crate::i18n::{Strings, Unresolved};
use crate::model::Site;
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::Tera;

/// Language → key → title and URL of every page, for `url` and `link`.
pub(super) type Links = HashMap<String, HashMap<Box<str>, Link>>;

/// A page's title and URL as `link` gives them: kept for every page through the render stage,
/// so plain strings rather than JSON (at 30,000 pages 27 MB of the peak, against 6 MB).
pub(super) struct Link {
    title: Box<str>,
    url: Box<str>,
}

impl Link {
    fn value(&self) -> Json {
        json!({"title": &*self.title, "url": &*self.url})
    }
}

/// What `url` and `link` look up: every page's title and URL.
pub(super) fn links(site: &Site) -> Links {
    let base = site.config.base_path();
    let mut links: Links = HashMap::new();
    for p in &site.pages {
        let link = Link {
            title: p.front.title.as_str().into(),
            url: format!("{base}{}", p.url_path).into(),
        };
        let own = links.entry(p.lang.clone()).or_default();
        own.insert(p.key.as_str().into(), link);
    }
    links
}

/// The compiled templates bound to each language of the site; `links` is [`links`].
pub(super) fn bind(
    site: &Site,
    inputs: &Inputs,
    listings: &Arc<Listings>,
    links: Links,
) -> BTreeMap<String, Tera> {
    let base = site.config.base_path();
    let lookups = Lookups {
        assets: Arc::new(
            inputs
                .assets
                .urls
                .iter()
                .map(|(k, v)| (k.clone(), format!("{base}{v}")))
                .collect(),
        ),
        listings: Arc::clone(listings),
        links: Arc::new(links),
        entries: Arc::new(entries_by_id(&site.data)),
        plan: inputs
            .plan
            .map(|plan| (Arc::new(plan.clone()), Arc::new(inputs.strings.clone()))),
        base: base.to_string(),
    };
    site.config
        .languages
        .iter()
        .map(|l| {
            let mut tera = inputs.templates.clone();
            let strings = inputs.strings.get(&l.code).cloned();
            register(&mut tera, &l.code, &lookups, strings);
            register_filters(&mut tera, &l.code);
            super::preview::register_filters(&mut tera, &site.config.base_url, base);
            (l.code.clone(), tera)
        })
        .collect()
}

/// What the template functions look up, shared by every language's templates.
struct Lookups {
    /// Asset name → URL with the base path.
    assets: Arc<BTreeMap<String, String>>,
    listings: Arc<Listings>,
    /// Language → key → title and URL of every page: `url` and `link` look pages up here.
    links: Arc<Links>,
    entries: Arc<BTreeMap<(String, String), Json>>,
    /// The plan's full text and every language's strings, for `plan_quote`.
    plan: Option<(Arc<crate::plan::Plan>, Arc<crate::i18n::Bundles>)>,
    /// The site's base path.
    base: String,
}

/// The template functions of `lang`'s templates.
fn register(tera: &mut Tera, lang: &str, lookups: &Lookups, strings: Option<Arc<Strings>>) {
    let assets = Arc::clone(&lookups.assets);
    tera.register_function("asset", move |args: &HashMap<String, Json>| {
        let path = arg(args, "path")?;
        assets
            .get(&path)
            .map(|u| Json::from(u.as_str()))
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "asset(path=\"{path}\"): no such file in the theme's static/ folder"
                ))
            })
    });
    let listings = Arc::clone(&lookups.listings);
    let l = lang.to_string();
    tera.register_function("section", move |args: &HashMap<String, Json>| {
        let key = arg(args, "key")?;
        listings
            .get(&l)
            .and_then(|own| own.get(&key)?.clone())
            .ok_or_else(|| tera::Error::msg(format!("section(key=\"{key}\"): no such section")))
    });
    let links = Arc::clone(&lookups.links);
    let l = lang.to_string();
    tera.register_function("url", move |args: &HashMap<String, Json>| {
        let key = arg(args, "key")?;
        match links.get(&l).and_then(|own| own.get(key.as_str())) {
            Some(link) => Ok(Json::from(&*link.url)),
            None => Err(tera::Error::msg(format!(
                "url(key=\"{key}\"): no page `{key}` in language `{l}`"
            ))),
        }
    });
    let links = Arc::clone(&lookups.links);
    let l = lang.to_string();
    tera.register_function("link", move |args: &HashMap<String, Json>| {
        let key = arg(args, "key")?;
        let link = links.get(&l).and_then(|own| own.get(key.as_str()));
        Ok(link.map_or(Json::Null, Link::value))
    });
    let entries = Arc::clone(&lookups.entries);
    tera.register_function("by_id", move |args: &HashMap<String, Json>| {
        let (data, id) = (arg(args, "data")?, arg(args, "id")?);
        entries
            .get(&(data.clone(), id.clone()))
            .cloned()
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "by_id: no entry with id `{id}` in content/{data}.yaml"
                ))
            })
    });
    register_plan(tera, lang, lookups);
    register_strings(tera, lang, strings);
}

/// `plan_quote(p="m9", s="2-3")`: the quotation block of the plan's paragraph `p` (sentences
/// `s`, all when absent) in `lang`, as HTML to insert with `| safe` (every text in it escaped).
fn register_plan(tera: &mut Tera, lang: &str, lookups: &Lookups) {
    let plan = lookups.plan.clone();
    let l = lang.to_string();
    let full_text = format!(
        "{}{}",
        lookups.base,
        crate::model::url_path(crate::plan::PAGE, lang)
    );
    tera.register_function("plan_quote", move |args: &HashMap<String, Json>| {
        let Some((plan, strings)) = &plan else {
            return Err(tera::Error::msg(format!(
                "plan_quote: the site has no {}",
                crate::plan::FILE
            )));
        };
        let p = arg(args, "p")?;
        let s = args.get("s").map(|v| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        });
        plan.select(Some(&p), s.as_deref(), None)
            .and_then(|sel| plan.quote_html(&sel, &l, &full_text, strings))
            .map(Json::from)
            .map_err(|(what, how)| tera::Error::msg(format!("plan_quote: {what} — {how}")))
    });
}

/// `t(key=…, …)`: a UI string of `lang`, with its arguments.
fn register_strings(tera: &mut Tera, lang: &str, strings: Option<Arc<Strings>>) {
    let l = lang.to_string();
    tera.register_function("t", move |args: &HashMap<String, Json>| {
        let key = arg(args, "key")?;
        let rest: BTreeMap<String, Json> = args
            .iter()
            .filter(|(k, _)| k.as_str() != "key")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let found = match strings.as_ref() {
            Some(s) => s.get(&key, &rest),
            None => Ok(None),
        };
        match found {
            Ok(Some(text)) => Ok(Json::from(text)),
            Ok(None) => Err(tera::Error::msg(format!(
                "no UI string `{key}` for `{l}`: add `{key} = …` to i18n/{l}/main.ftl"
            ))),
            Err(why) => Err(tera::Error::msg(unresolved(&key, &l, &why))),
        }
    });
}

/// Why `t(key=…)` could not format the UI string `key` of `lang`, and how to fix it.
fn unresolved(key: &str, lang: &str, why: &Unresolved) -> String {
    match why {
        Unresolved::Argument(name) => format!(
            "the UI string `{key}` of `{lang}` needs the argument `{name}`, which is missing \
             or empty: call t(key=\"{key}\", {name}=…) with a value"
        ),
        Unresolved::Reference(id) => format!(
            "the UI string `{key}` of `{lang}` refers to `{id}`, which i18n/{lang}/ does not \
             define: define it, or fix the message"
        ),
        Unresolved::Other(e) => {
            format!("the UI string `{key}` of `{lang}` cannot be formatted ({e}): fix the message")
        }
    }
}

/// The filters of `lang`'s templates: dates and figures as that language writes them.
fn register_filters(tera: &mut Tera, lang: &str) {
    let l = lang.to_string();
    tera.register_filter(
        "local_date",
        move |value: &Json, _: &HashMap<String, Json>| {
            let text = value.as_str().unwrap_or_default();
            Ok(Json::from(crate::format::local_date(text, &l)))
        },
    );
    let l = lang.to_string();
    tera.register_filter(
        "money",
        move |value: &Json, args: &HashMap<String, Json>| {
            let amount = value
                .as_u64()
                .ok_or_else(|| tera::Error::msg("money: the value must be a whole number"))?;
            let currency = match args.get("currency").and_then(Json::as_str) {
                Some("CNY") => crate::format::Currency::Cny,
                Some("USD") => crate::format::Currency::Usd,
                other => {
                    return Err(tera::Error::msg(format!(
                        "money: currency must be USD or CNY, not {other:?}"
                    )));
                }
            };
            Ok(Json::from(crate::format::money(amount, currency, &l)))
        },
    );
}

/// (data file, id) → entry, for every data file that is a list of entries with an `id`.
fn entries_by_id(data: &Json) -> BTreeMap<(String, String), Json> {
    fn walk(node: &Json, path: &str, out: &mut BTreeMap<(String, String), Json>) {
        match node {
            Json::Object(map) => {
                for (k, v) in map {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}/{k}")
                    };
                    walk(v, &child, out);
                }
            }
            Json::Array(items) => {
                for item in items {
                    if let Some(id) = item.get("id").and_then(Json::as_str) {
                        out.insert((path.to_string(), id.to_string()), item.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(data, "", &mut out);
    out
}

fn arg(args: &HashMap<String, Json>, name: &str) -> tera::Result<String> {
    args.get(name)
        .and_then(Json::as_str)
        .map(str::to_string)
        .ok_or_else(|| tera::Error::msg(format!("missing text argument `{name}`")))
}
