//! Tera 1.20 (what invest-guide renders with) against tera 2.4 on two templates shaped like the
//! built-in theme's: an ordinary page (head and header with about forty lookups, the language
//! switcher, menu and breadcrumbs in loops, two macros, the body inserted) and a tag page
//! listing 2,500 page cards through a macro, given the same values as the build gives its
//! templates (a page's summary fields). Tera 2 has components where tera 1 has macros
//! (`{{ <name arg={value} /> }}` for `{{ m::name(arg=value) }}`); everything else is written
//! the same. Both escape with the same function, and the two outputs must be identical (the
//! program stops otherwise). Prints, for each, the best of five batches' mean time of one
//! render.
//!
//! usage (from this folder): cargo run --release
use serde_json::{Value, json};
use std::time::Instant;

fn card(n: usize) -> Value {
    json!({
        "date": "2020-01-08", "description": format!("Summary of page {n} with some words in it."),
        "extra": null, "fields": {}, "key": format!("s01/page-{n:05}"),
        "permalink": format!("https://bench.example.org/en/s01/page-{n:05}/"),
        "summary": format!("Summary of page {n} with some words in it."),
        "tags": ["finance", "health"], "title": format!("Page {n}: Under budget office and"),
        "updated": null, "url": format!("/en/s01/page-{n:05}/"), "weight": n
    })
}

fn data(cards: usize) -> Value {
    let menu: Vec<Value> = (0..6).map(|i| json!({"url": format!("/en/m{i}/"), "title": format!("Menu {i}"), "current": i == 2})).collect();
    let langs: Vec<Value> = ["zh", "en", "ru"].iter().map(|l| json!({"code": l, "tag": l, "name": l.to_uppercase(), "url": format!("/{l}/x/"), "current": *l == "en"})).collect();
    let mut page = card(7);
    page["content"] = json!("<p>".to_string() + &"Body text of the page. ".repeat(200) + "</p>");
    page["translations"] = json!(langs);
    page["ancestors"] =
        json!([{"title": "Home", "url": "/en/"}, {"title": "Section", "url": "/en/s01/"}]);
    json!({
        "page": page,
        "site": {"title": "Benchmark", "base_url": "https://bench.example.org/", "csp": "default-src 'self'"},
        "language": {"code": "en", "tag": "en", "name": "English", "title": "Benchmark", "footer": "Footer text"},
        "menu": menu,
        "section": {"title": "Tag", "pages": (0..cards).map(card).collect::<Vec<_>>()},
    })
}

const PAGE1: &str = r#"<!DOCTYPE html><html lang="{{ language.tag }}"><head><title>{% block title %}{{ page.title }} · {{ language.title }}{% endblock title %}</title>
<meta name="description" content="{{ page.description }}"><link rel="canonical" href="{{ page.permalink }}">
{% for t in page.translations %}<link rel="alternate" hreflang="{{ t.tag }}" href="{{ site.base_url }}{{ t.url }}">{% endfor %}
<meta http-equiv="Content-Security-Policy" content="{{ site.csp }}"></head><body>
<header><a href="/{{ language.code }}/">{{ language.title }}</a><nav><ul>{% for t in page.translations %}<li><a href="{{ t.url }}" lang="{{ t.tag }}"{% if t.current %} aria-current="page"{% endif %}>{{ t.name }}</a></li>{% endfor %}</ul></nav>
<nav><ul>{% for item in menu %}<li><a href="{{ item.url }}"{% if item.current %} aria-current="page"{% endif %}>{{ item.title }}</a></li>{% endfor %}</ul></nav></header>
<nav><ol>{% for a in page.ancestors %}<li><a href="{{ a.url }}">{{ a.title }}</a></li>{% endfor %}<li>{{ page.title }}</li></ol></nav>
<main>{% block main %}{% endblock main %}</main><footer>{{ language.footer }}</footer></body></html>"#;

const ARTICLE1: &str = r#"{% extends "base.html" %}{% import "macros.html" as m %}{% block main %}<article><h1>{{ page.title }}</h1>
{% if page.summary %}<p class="lead">{{ page.summary }}</p>{% endif %}{{ m::dates(date=page.date, updated=page.updated) }}
{{ page.content | safe }}{{ m::tags(links=page.tags) }}</article>{% endblock main %}"#;

const TAG1: &str = r#"{% extends "base.html" %}{% import "macros.html" as m %}{% block main %}<article><h1>{{ page.title }}</h1>
{% if section.pages %}{{ m::page_cards(pages=section.pages) }}{% endif %}</article>{% endblock main %}"#;

const MACROS1: &str = r#"{% macro dates(date, updated) %}{% if date or updated %}<p class="meta">{% if date %}<time datetime="{{ date }}">{{ date }}</time>{% endif %}{% if updated %} · <time datetime="{{ updated }}">{{ updated }}</time>{% endif %}</p>{% endif %}{% endmacro dates %}
{% macro tags(links) %}{% if links %}<ul class="tag-list">{% for l in links %}<li><a href="/en/tags/{{ l }}/" rel="tag">{{ l }}</a></li>{% endfor %}</ul>{% endif %}{% endmacro tags %}
{% macro page_cards(pages) %}<ul class="cards">{% for p in pages %}
  <li class="card card-link"><h2><a href="{{ p.url }}">{{ p.title }}</a></h2>{% if p.date %}<p class="meta"><time datetime="{{ p.date }}">{{ p.date }}</time></p>{% endif %}{% if p.summary %}<p>{{ p.summary }}</p>{% endif %}</li>{% endfor %}
</ul>{% endmacro page_cards %}"#;

// Tera 2: components instead of macros, called as `{{ <name arg=… /> }}`.
const ARTICLE2: &str = r#"{% extends "base.html" %}{% block main %}<article><h1>{{ page.title }}</h1>
{% if page.summary %}<p class="lead">{{ page.summary }}</p>{% endif %}{{ <dates date={page.date} updated={page.updated} /> }}
{{ page.content | safe }}{{ <tags links={page.tags} /> }}</article>{% endblock main %}"#;

const TAG2: &str = r#"{% extends "base.html" %}{% block main %}<article><h1>{{ page.title }}</h1>
{% if section.pages %}{{ <page_cards pages={section.pages} /> }}{% endif %}</article>{% endblock main %}"#;

const COMPONENTS2: &str = r#"{% component dates(date, updated) %}{% if date or updated %}<p class="meta">{% if date %}<time datetime="{{ date }}">{{ date }}</time>{% endif %}{% if updated %} · <time datetime="{{ updated }}">{{ updated }}</time>{% endif %}</p>{% endif %}{% endcomponent dates %}
{% component tags(links) %}{% if links %}<ul class="tag-list">{% for l in links %}<li><a href="/en/tags/{{ l }}/" rel="tag">{{ l }}</a></li>{% endfor %}</ul>{% endif %}{% endcomponent tags %}
{% component page_cards(pages) %}<ul class="cards">{% for p in pages %}
  <li class="card card-link"><h2><a href="{{ p.url }}">{{ p.title }}</a></h2>{% if p.date %}<p class="meta"><time datetime="{{ p.date }}">{{ p.date }}</time></p>{% endif %}{% if p.summary %}<p>{{ p.summary }}</p>{% endif %}</li>{% endfor %}
</ul>{% endcomponent page_cards %}"#;

/// The escape both engines use (tera 1's own also escapes `/`, tera 2's does not).
fn escape1(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn escape2(s: &str, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(escape1(s).as_bytes())
}

fn time(label: &str, runs: usize, mut f: impl FnMut() -> usize) {
    let mut best = f64::MAX;
    let mut len = 0;
    for _ in 0..5 {
        let t = Instant::now();
        for _ in 0..runs {
            len = f();
        }
        best = best.min(t.elapsed().as_secs_f64() / runs as f64);
    }
    println!("{label:40} {:9.1} µs a render ({len} bytes)", best * 1e6);
}

fn main() {
    let mut t1 = tera1::Tera::default();
    t1.add_raw_templates(vec![
        ("base.html", PAGE1),
        ("macros.html", MACROS1),
        ("page.html", ARTICLE1),
        ("tag.html", TAG1),
    ])
    .unwrap();
    t1.set_escape_fn(escape1);
    let mut t2 = tera2::Tera::new();
    t2.set_escape_fn(escape2);
    t2.add_raw_templates(vec![
        ("base.html", PAGE1),
        ("components.html", COMPONENTS2),
        ("page.html", ARTICLE2),
        ("tag.html", TAG2),
    ])
    .unwrap();
    for (cards, runs, template) in [(0, 2000, "page.html"), (2500, 20, "tag.html")] {
        let value = data(cards);
        let c1 = tera1::Context::from_value(value.clone()).unwrap();
        let mut c2 = tera2::Context::new();
        for (k, v) in value.as_object().unwrap() {
            c2.insert(k.clone(), v);
        }
        let a = t1.render(template, &c1).unwrap();
        let b = t2.render(template, &c2).unwrap();
        if a != b {
            eprintln!("{template}: the outputs differ\n--- tera 1\n{a}\n--- tera 2\n{b}");
            std::process::exit(1);
        }
        time(
            &format!("tera 1.20 {template} ({cards} cards)"),
            runs,
            || t1.render(template, &c1).unwrap().len(),
        );
        time(
            &format!("tera 2.4  {template} ({cards} cards)"),
            runs,
            || t2.render(template, &c2).unwrap().len(),
        );
    }
}
