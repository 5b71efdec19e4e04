//! What can still be read of a document that did not parse: its `type`, `id`, `review` and
//! `department`, from the front matter's top-level lines alone. Checks of other documents use
//! it so as not to blame them for its absence: an item's review or opinion is not "unknown"
//! when the file that has it failed to load; its own errors already say why.

use std::path::Path;

use super::Kind;
use crate::diagnostic::Diagnostic;
use crate::frontmatter;
use crate::kind::KINDS;

/// A document that did not parse: its problems and what can still be read of it.
#[derive(Debug, Clone)]
pub struct Unread {
    pub diags: Vec<Diagnostic>,
    pub identity: Identity,
}

impl Unread {
    /// A file that could not even be read (not UTF-8, unreadable): nothing of it is known.
    pub fn unreadable(d: Diagnostic) -> Unread {
        Unread {
            diags: vec![d],
            identity: Identity::default(),
        }
    }
}

/// The identity of a document that did not parse, as far as its lines tell. `None` where a
/// line is missing or its value is not a plain scalar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Identity {
    pub kind: Option<Kind>,
    pub id: Option<String>,
    pub review: Option<String>,
    pub department: Option<String>,
}

impl Identity {
    /// Reads the top-level `type:`, `id:`, `review:` and `department:` lines. Line by line
    /// rather than as YAML: the front matter may be what failed.
    pub fn scan(path: &Path, text: &str) -> Identity {
        let Ok(split) = frontmatter::split(path, text) else {
            return Identity::default();
        };
        let mut identity = Identity::default();
        for line in split.yaml.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let Some(value) = scalar(value) else {
                continue;
            };
            match key {
                "type" => identity.kind = KINDS.iter().find(|k| k.name == value).map(|k| k.kind),
                "id" => identity.id = Some(value.to_string()),
                "review" => identity.review = Some(value.to_string()),
                "department" => identity.department = Some(value.to_string()),
                _ => {}
            }
        }
        identity
    }

    /// The review cycle this document would be, when it may be one: a review, or a file whose
    /// `type` could not be read that has an `id`.
    pub fn review_id(&self) -> Option<&str> {
        match self.kind {
            Some(Kind::Review) | None => self.id.as_deref(),
            Some(_) => None,
        }
    }

    /// The review and department of an opinion or a rectification (`kind`) this might be.
    pub fn of(&self, kind: Kind) -> Option<(&str, &str)> {
        let fits = self.kind.is_none_or(|k| k == kind);
        match (&self.review, &self.department) {
            (Some(r), Some(d)) if fits => Some((r.as_str(), d.as_str())),
            _ => None,
        }
    }
}

/// A plain one-line value: a trailing comment and quotes taken off; `None` when empty or a
/// block, list or map.
fn scalar(value: &str) -> Option<&str> {
    let value = match value.find(" #") {
        Some(at) => &value[..at],
        None => value,
    }
    .trim();
    let value = ['"', '\'']
        .iter()
        .find_map(|&q| value.strip_prefix(q)?.strip_suffix(q))
        .unwrap_or(value)
        .trim();
    let block = value.is_empty() || value.starts_with(['|', '>', '[', '{', '&', '*', '!']);
    (!block).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_review_still_says_its_id() {
        let text = "---\ntitle: 评议\ntype: review\nid: \"2025\"   # 年度\nyear: 2025\nresults:\n  - {department: a, satisfied: -3}\n---\n";
        let i = Identity::scan(Path::new("content/2025/review.md"), text);
        assert_eq!(i.kind, Some(Kind::Review));
        assert_eq!(i.review_id(), Some("2025"));
        assert_eq!(i.of(Kind::Opinion), None);
    }

    #[test]
    fn an_opinion_says_its_review_and_department_and_nested_keys_are_not_read() {
        let text = "---\ntype: opinion\nreview: '2025'\ndepartment: housing\npoints:\n  - id: 1\n    department: other\n---\n";
        let i = Identity::scan(Path::new("content/a.md"), text);
        assert_eq!(i.of(Kind::Opinion), Some(("2025", "housing")));
        assert_eq!(i.of(Kind::Rectification), None);
        assert_eq!(i.review_id(), None);
    }

    #[test]
    fn a_file_whose_type_cannot_be_read_may_be_anything() {
        let i = Identity::scan(
            Path::new("content/a.md"),
            "---\ntype: reveiw\nid: 2025\nreview: x\ndepartment: |\n  a\n---\n",
        );
        assert_eq!(i.kind, None);
        assert_eq!(i.review_id(), Some("2025"));
        assert_eq!(i.department, None);
        assert_eq!(
            Identity::scan(Path::new("a.md"), "no front matter"),
            Identity::default()
        );
    }
}
