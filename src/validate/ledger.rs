//! The rules for a rectification's ledger that read the rest of the site: its department,
//! the opinion points its items answer, overdue items (only where an item now stands), and
//! dates of closing against today and the review's year.

use super::Known;
use crate::diagnostic::{Diagnostic, Locator};
use crate::document::{Document, Item, Rectification};

/// A rectification's department and its items: the points they answer, overdue (warnings),
/// closed after today or before the review's year.
pub(super) fn check(
    known: &Known<'_>,
    doc: &Document,
    rect: &Rectification,
    diags: &mut Vec<Diagnostic>,
) {
    let today = known.today;
    if !known.dept_ids.contains(&rect.department.as_str()) {
        diags.push(known.unknown_dept(doc, "department", 1, &rect.department));
    }
    // Lines only go forward within each kind: one pass over the text for each, however many
    // items are overdue.
    let mut deadlines = Locator::new(&doc.text);
    let mut completions = Locator::new(&doc.text);
    // A scheduled report, previewed, may record what is done by its own date.
    let latest = doc.date.map_or(today, |d| d.max(today));
    let review = doc.review.as_deref().unwrap_or_default();
    let points = known.points.get(&(review, rect.department.as_str()));
    // The opinion exists but failed to load: its points are not known.
    let opinion_unread = (known.unread.opinions).contains(&(review, rect.department.as_str()));
    let mut point_lines = Locator::new(&doc.text);
    for (i, item) in rect.items.iter().enumerate() {
        if let Some(d) = unknown_point(doc, item, points, rect.lines.point.get(i), &mut point_lines)
            && !(points.is_none() && opinion_unread)
        {
            diags.push(d);
        }
        if item.is_overdue(today) && known.is_latest(doc, rect, &item.id) {
            let line = rect.lines.deadline.get(i).copied().unwrap_or(0).max(1);
            diags.push(
                Diagnostic::warning(
                    &doc.source,
                    format!(
                        "整改事项 {} 已逾期:{}时限 {},状态仍为 {}",
                        item.id,
                        if item.extensions.is_empty() {
                            ""
                        } else {
                            "延期后的"
                        },
                        item.deadline_in_force()
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        item.status.label()
                    ),
                )
                .at_line(&mut deadlines, line, 1),
            );
        }
        if let Some(done) = item.completed.filter(|&d| d > latest) {
            let line = rect.lines.completed.get(i).copied().unwrap_or(0).max(1);
            diags.push(
                Diagnostic::error(
                    &doc.source,
                    if latest == today {
                        format!(
                            "整改事项 {} 的完成日期 completed: {done} 晚于今天({latest})",
                            item.id
                        )
                    } else {
                        format!(
                            "整改事项 {} 的完成日期 completed: {done} 晚于本文档的发布日期 {latest}",
                            item.id
                        )
                    },
                )
                .at_line(&mut completions, line, 1)
                .with_hint("销号日期只能是已经过去的日期;事项尚未完成的,status 写 in_progress,并删去 completed"),
            );
        }
        let year = doc
            .review
            .as_deref()
            .and_then(|r| known.review_years.get(r));
        if let (Some(done), Some(&year)) = (item.completed, year)
            && i32::from(done.year()) < year
        {
            let line = rect.lines.completed.get(i).copied().unwrap_or(0).max(1);
            diags.push(
                Diagnostic::warning(
                    &doc.source,
                    format!(
                        "整改事项 {} 的完成日期 completed: {done} 早于评议年度 {year}",
                        item.id
                    ),
                )
                .at_line(&mut completions, line, 1)
                .with_hint("评议之前已完成的事项一般不列入整改台账;是否把年份写错了?"),
            );
        }
    }
}

/// An item's `point` that its department's opinion in the review does not have, or that no
/// opinion is there to have.
fn unknown_point(
    doc: &Document,
    item: &Item,
    points: Option<&Vec<&str>>,
    line: Option<&usize>,
    locator: &mut Locator<'_>,
) -> Option<Diagnostic> {
    let point = item.point.as_deref()?;
    if points.is_some_and(|p| p.contains(&point)) {
        return None;
    }
    let (message, hint) = match points {
        Some(ids) => (
            format!("整改事项 {} 对应的评议意见第 {point} 条不存在", item.id),
            format!("本部门的评议意见共有第 {} 条", ids.join("、")),
        ),
        None => (
            format!(
                "整改事项 {} 写了 point: {point},但本评议活动没有给本部门的评议意见",
                item.id
            ),
            "先发布本部门的评议意见(type: opinion),或删去 point".to_string(),
        ),
    };
    let line = line.copied().unwrap_or(0).max(1);
    Some(
        Diagnostic::error(&doc.source, message)
            .at_line(locator, line, 1)
            .with_hint(hint),
    )
}
