//! The ids on a page that the body does not choose: those the default theme writes, and the
//! namespaces footnotes take. A heading's id stays clear of both, so every id on a page is
//! unique and every `#` link jumps where it says.

/// Ids the default theme writes as they are. `tests/trust_markup.rs` reads the templates and
/// fails when the theme has one this list misses.
pub const THEME_IDS: &[&str] = &[
    "_ideConac",
    "activities-h",
    "att-h",
    "channels-h",
    "cur-h",
    "depts-h",
    "dp-h",
    "font-size-label",
    "items-h",
    "ledger-h",
    "legend-h",
    "main",
    "map-columns",
    "map-departments",
    "map-reviews",
    "map-services",
    "map-years",
    "n-h",
    "points-h",
    "q-h",
    "r-h",
    "rel-h",
    "rv-h",
    "s-h",
    "search-dept",
    "search-q",
    "search-type",
    "search-year",
    "site-q",
    "stages-h",
    "sum-h",
    "votes-h",
    "vr-h",
];

/// How the ids the theme makes from data begin (`item-{{ loop.index }}`, `point-{{ pt.id }}`,
/// `rv-{{ r.id }}`, `"g-" ~ g.kind`): any id that begins so is the theme's.
pub const THEME_ID_PREFIXES: &[&str] = &["g-", "item-", "point-", "rv-", "rvd-"];

/// A footnote's id: `fn-1`.
pub const FOOTNOTE: &str = "fn-";
/// A reference to a footnote: `fnref-1`, and `fnref-1-2` for its second.
pub const FOOTNOTE_REF: &str = "fnref-";
/// Put before a heading's id that is taken: `main` → `h-main`. Nothing reserved begins so.
pub const HEADING: &str = "h-";

/// Whether a heading must not take `id`.
pub fn is_reserved(id: &str) -> bool {
    THEME_IDS.contains(&id)
        || THEME_ID_PREFIXES
            .iter()
            .chain(&[FOOTNOTE, FOOTNOTE_REF])
            .any(|p| id.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heading_prefix_frees_any_id() {
        for id in THEME_IDS.iter().chain(THEME_ID_PREFIXES) {
            assert!(is_reserved(id));
            assert!(!is_reserved(&format!("{HEADING}{id}")), "{id}");
        }
        assert!(is_reserved("fn-1") && is_reserved("fnref-x") && !is_reserved("一总体要求"));
    }
}
