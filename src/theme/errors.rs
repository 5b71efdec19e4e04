//! Tera's errors as diagnostics at the template file and line they are about: the site's own
//! `templates/page.html` when that is the file at fault, never the theme's folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::ErrorKind;

use crate::diagnostic::Diagnostic;

/// The template files a theme was made of: name → (file relative to the site root, text).
pub(super) struct Sources(pub BTreeMap<String, (PathBuf, String)>);

impl Sources {
    fn path(&self, name: &str) -> PathBuf {
        self.0
            .get(name)
            .map_or_else(|| PathBuf::from(name), |(p, _)| p.clone())
    }

    /// A diagnostic at template `name`'s line and column (1-based).
    fn at(&self, name: &str, message: String, line: usize, column: usize) -> Diagnostic {
        match self.0.get(name) {
            Some((path, text)) => {
                Diagnostic::error(path, message).at(text, line.max(1), column.max(1))
            }
            None => Diagnostic::error(Path::new(name), message),
        }
    }

    /// Every error of `e`, raised while `doing` (渲染 /x/ 时, or nothing when the templates
    /// are read), at the file and line it is about; `fallback` names the template when Tera
    /// does not.
    pub(super) fn diagnose(&self, e: &tera::Error, doing: &str, fallback: &str) -> Vec<Diagnostic> {
        if let ErrorKind::Msg(text) = e.kind() {
            // Tera reports templates' unknown filters, tests and functions together, each as
            // `error: …` and ` --> name:line:column`.
            let found: Vec<Diagnostic> = text
                .split("error: ")
                .filter_map(|report| {
                    let (message, rest) = report.split_once('\n')?;
                    let place = rest.trim_start().strip_prefix("--> ")?.lines().next()?;
                    let mut parts = place.rsplitn(3, ':');
                    let column = parts.next()?.trim().parse().ok()?;
                    let line = parts.next()?.parse().ok()?;
                    let name = parts.next()?;
                    let message = format!("{doing}模板有错: {}", in_chinese(message.trim()));
                    Some(self.at(name, message, line, column))
                })
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        vec![self.one(e, doing, fallback)]
    }

    fn one(&self, e: &tera::Error, doing: &str, fallback: &str) -> Diagnostic {
        match e.kind() {
            ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
                let name = if r.filename().is_empty() {
                    fallback
                } else {
                    r.filename()
                };
                let message = format!("{doing}模板有错: {}", in_chinese(r.message()));
                self.at(name, message, r.span().start_line, r.span().start_col + 1)
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::error(
                self.path(current),
                format!("{doing}模板有错: 继承的模板 `{parent}` 不存在"),
            )
            .with_hint("检查 {% extends \"…\" %} 中的文件名;主题的模板在 themes/<主题>/templates/"),
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(
                self.path(fallback),
                format!("{doing}模板有错: 找不到模板 `{name}`"),
            ),
            ErrorKind::CircularExtend { tpl, .. } => Diagnostic::error(
                self.path(tpl),
                format!("{doing}模板有错: 模板 `{tpl}` 的 extends 绕成了一个圈"),
            ),
            _ => Diagnostic::error(self.path(fallback), format!("{doing}模板有错: {e}")),
        }
    }
}

/// Tera's words for the mistakes made most, in Chinese; the rest as Tera says them.
fn in_chinese(message: &str) -> String {
    let tick = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    if message.starts_with("Unknown filter") {
        return format!("没有名为 `{}` 的过滤器", tick(message));
    }
    if message.starts_with("Unknown test") {
        return format!("没有名为 `{}` 的测试", tick(message));
    }
    if message.starts_with("Unknown function") {
        return format!("没有名为 `{}` 的函数", tick(message));
    }
    if let Some(rest) = message.strip_prefix("Variable `")
        && let Some((name, rest)) = rest.split_once("` is not defined.")
    {
        let available = rest
            .trim()
            .strip_prefix("Available variables:")
            .unwrap_or("")
            .trim();
        return format!("变量 `{name}` 不存在;这个模板可用的变量: {available}");
    }
    if message.contains("not found in context") {
        return format!("变量 `{}` 不存在", tick(message));
    }
    if let Some(rest) = message.strip_prefix("Found ")
        && let Some((found, expected)) = rest.split_once(" but expected ")
    {
        return format!("这里是 {found},应为 {}", expected.trim_end_matches('.'));
    }
    if message.starts_with("Unexpected end of input") {
        return "模板在标签闭合前就结束了:检查 {{ }}、{% %} 和 endblock、endif、endfor 是否成对"
            .to_string();
    }
    message.to_string()
}
