//! Which ledgers an export holds. One document gives one sheet; a review year gives one sheet
//! per department, in `site.yaml`'s order, each the ledger of the department's latest
//! rectification document of that year's review: the highest round, within a round the
//! 整改情况报告 before the 整改方案, then the latest date. Items keep their ids across a
//! department's reports, so the latest report holds every item in its latest state.

use std::path::PathBuf;

use crate::config::Config;
use crate::document::{Details, Document, Item, Phase};
use crate::site::Site;

/// One sheet of an export: its name, the document its items are from, the items.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub sheet: String,
    pub source: PathBuf,
    pub items: Vec<Item>,
}

/// The name a department's sheet has: its short name (住建局), else its name, else its id.
pub fn department_sheet(config: Option<&Config>, id: &str) -> String {
    config
        .and_then(|c| c.department(id))
        .map(|d| d.short_name.clone().unwrap_or_else(|| d.name.clone()))
        .unwrap_or_else(|| id.to_string())
}

/// The ledger of one rectification document; `None` for another kind.
pub fn document_ledger(config: Option<&Config>, doc: &Document) -> Option<Ledger> {
    let Details::Rectification(r) = &doc.details else {
        return None;
    };
    Some(Ledger {
        sheet: department_sheet(config, &r.department),
        source: doc.source.clone(),
        items: r.items.clone(),
    })
}

/// One ledger per department for the review of `year`: see the module's description.
pub fn year_ledgers(site: &Site, year: i32) -> Vec<Ledger> {
    let reviews: Vec<&str> = site
        .pages
        .iter()
        .filter_map(|p| match &p.doc.details {
            Details::Review(r) if r.year == year => Some(r.id.as_str()),
            _ => None,
        })
        .collect();
    let latest = |dept: &str| {
        site.pages
            .iter()
            .map(|p| &p.doc)
            .filter(|d| d.review.as_deref().is_some_and(|r| reviews.contains(&r)))
            .filter_map(|d| match &d.details {
                Details::Rectification(r) if r.department == dept => Some((d, r)),
                _ => None,
            })
            .max_by_key(|(d, r)| (r.round, r.phase == Phase::Report, d.date, d.source.clone()))
            .map(|(d, _)| d)
    };
    site.config
        .departments
        .iter()
        .filter_map(|dept| latest(&dept.id))
        .filter_map(|doc| document_ledger(Some(&site.config), doc))
        .collect()
}

/// The lines the instructions sheet adds for a year's export: the rule, and which document
/// each sheet is from.
pub fn year_notes(year: i32, ledgers: &[Ledger]) -> Vec<String> {
    let mut notes = vec![
        String::new(),
        format!("本表是 {year} 年度各部门的整改台账,每个部门一张工作表。"),
        "一个部门本年度有几份整改公告的(整改方案、历轮整改情况报告),取最新的一份:轮次最高的;同一轮次中整改情况报告优先于整改方案;再取发布日期最新的。各事项在历次报告中编号不变,最新一份中是它们的最新状态。".to_string(),
        "各工作表来自(导入时用 pingyi ledger import 本表格 --into 下列文档,会自动选用该部门的工作表):".to_string(),
    ];
    notes.extend(
        ledgers
            .iter()
            .map(|l| format!("{}:{}", l.sheet, l.source.display())),
    );
    notes
}
