//! Figures written the way each language writes them: `5000万美元`, `US$50 million`,
//! `50 млн долларов США`.

use crate::diagnostic::Diagnostic;
use crate::model::Site;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The named figures of a site, by name.
pub type Amounts = BTreeMap<String, Amount>;

/// A named figure of the policy, read from the site's thresholds data file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Amount {
    pub amount: u64,
    pub currency: Currency,
    #[serde(default)]
    pub source: String,
}

/// The named figures of the data file `thresholds:` in `site.yaml` names (none if it names
/// none): read by shortcodes and by the eligibility rules.
pub(crate) fn thresholds(site: &Site) -> Result<Amounts, Vec<Diagnostic>> {
    let Some(name) = &site.config.thresholds else {
        return Ok(Amounts::new());
    };
    let mut node = &site.data;
    for part in name.split('/') {
        node = node.get(part).unwrap_or(&serde_json::Value::Null);
    }
    let path = format!("content/{name}.yaml");
    if node.is_null() {
        return Err(vec![
            Diagnostic::error("site.yaml", format!("thresholds: no data file {path}"))
                .hint("create it or fix the `thresholds:` entry in site.yaml"),
        ]);
    }
    serde_json::from_value(node.clone()).map_err(|e| {
        vec![
            Diagnostic::error(
                &path,
                format!("a figure is not `amount:` plus `currency: USD|CNY`: {e}"),
            )
            .hint("write each figure as `name: {amount: 50000000, currency: USD}`"),
        ]
    })
}

/// The currency of a figure.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Usd,
    Cny,
}

/// `amount` in `currency` as prose in `lang` (Chinese, Russian, otherwise English).
pub fn money(amount: u64, currency: Currency, lang: &str) -> String {
    match lang.split('-').next().unwrap_or(lang) {
        "zh" => {
            let unit = match currency {
                Currency::Usd => "美元",
                Currency::Cny => "元",
            };
            format!("{}{unit}", chinese_number(amount))
        }
        "ru" => {
            let unit = match currency {
                Currency::Usd => "долларов США",
                Currency::Cny => "юаней",
            };
            format!(
                "{}\u{a0}{unit}",
                scaled(amount, "\u{a0}млн", "\u{a0}млрд", ',', '\u{a0}')
            )
        }
        _ => {
            let prefix = match currency {
                Currency::Usd => "US$",
                Currency::Cny => "RMB\u{a0}",
            };
            format!(
                "{prefix}{}",
                scaled(amount, "\u{a0}million", "\u{a0}billion", '.', ',')
            )
        }
    }
}

/// `50000000` → `5000万`, `150000000` → `1.5亿`, `1500` → `1500`.
fn chinese_number(n: u64) -> String {
    if n >= 100_000_000 && n.is_multiple_of(10_000_000) {
        format!("{}亿", decimal(n, 100_000_000, '.'))
    } else if n >= 10_000 && n.is_multiple_of(10_000) {
        format!("{}万", n / 10_000)
    } else {
        n.to_string()
    }
}

/// Millions and billions where the figure is round enough, digits grouped otherwise.
fn scaled(n: u64, million: &str, billion: &str, point: char, group: char) -> String {
    if n >= 1_000_000_000 && n.is_multiple_of(100_000_000) {
        format!("{}{billion}", decimal(n, 1_000_000_000, point))
    } else if n >= 1_000_000 && n.is_multiple_of(100_000) {
        format!("{}{million}", decimal(n, 1_000_000, point))
    } else {
        grouped(n, group)
    }
}

fn decimal(n: u64, unit: u64, point: char) -> String {
    let whole = n / unit;
    let frac = (n % unit) * 10 / unit;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}{point}{frac}")
    }
}

/// `1234567` with `,` → `1,234,567`.
pub fn grouped(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings follow the policy's own wording (5000万美元, 1000万美元, 3000万美元,
    // 5000万元) and the usual English and Russian ways of writing those figures.
    #[test]
    fn policy_thresholds_in_three_languages() {
        assert_eq!(money(50_000_000, Currency::Usd, "zh"), "5000万美元");
        assert_eq!(money(10_000_000, Currency::Usd, "zh"), "1000万美元");
        assert_eq!(money(50_000_000, Currency::Cny, "zh"), "5000万元");
        assert_eq!(money(30_000_000, Currency::Usd, "en"), "US$30\u{a0}million");
        assert_eq!(
            money(50_000_000, Currency::Cny, "en"),
            "RMB\u{a0}50\u{a0}million"
        );
        assert_eq!(
            money(50_000_000, Currency::Usd, "ru"),
            "50\u{a0}млн\u{a0}долларов США"
        );
        assert_eq!(money(150_000_000, Currency::Cny, "zh"), "1.5亿元");
        assert_eq!(money(2_500_000, Currency::Usd, "en"), "US$2.5\u{a0}million");
        assert_eq!(money(1_234_567, Currency::Usd, "en"), "US$1,234,567");
    }
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const RU_MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// `2023-10-13` as `2023年10月13日`, `13 October 2023` or `13 октября 2023 г.`; text that is
/// not such a date comes back unchanged.
pub fn local_date(date: &str, lang: &str) -> String {
    let parts: Vec<u32> = date
        .get(..10)
        .unwrap_or("")
        .split('-')
        .filter_map(|p| p.parse().ok())
        .collect();
    let [year, month @ 1..=12, day] = parts[..] else {
        return date.to_string();
    };
    let m = month as usize - 1;
    match lang.split('-').next().unwrap_or(lang) {
        "zh" => format!("{year}年{month}月{day}日"),
        "ru" => format!("{day}\u{a0}{} {year}\u{a0}г.", RU_MONTHS[m]),
        _ => format!("{day} {} {year}", EN_MONTHS[m]),
    }
}

#[cfg(test)]
mod date_tests {
    use super::local_date;

    #[test]
    fn the_plans_date_in_three_languages() {
        assert_eq!(local_date("2023-10-13", "zh"), "2023年10月13日");
        assert_eq!(local_date("2023-10-13", "en"), "13 October 2023");
        assert_eq!(
            local_date("2023-10-13", "ru"),
            "13\u{a0}октября 2023\u{a0}г."
        );
        assert_eq!(local_date("soon", "en"), "soon");
    }
}
