//! `pingyi ledger`: the rectification ledger (整改台账) to and from Excel workbooks, for
//! departments that keep it in Excel or WPS: `template`, `import`, `export`. The library
//! (`pingyi::sheet`) reads, checks and makes the bytes; this file prints and writes them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pingyi::sheet::{self, ImportError, ImportRequest, LedgerSheet};
use pingyi::{Config, Date, Document, Options};

use super::parse_date;
use super::report::{Level, Marks, print_diagnostics, safe, safe_path};

#[derive(Debug, Args)]
#[command(
    after_help = "示例:\n  pingyi ledger template                                 生成 整改台账模板.xlsx,发给部门填写\n  pingyi ledger import 住建局台账.xlsx --into content/2026/rectifications/housing-round-1.md --dry-run\n  pingyi ledger import 住建局台账.xlsx --into content/2026/rectifications/housing-round-1.md\n  pingyi ledger export content/2026/rectifications/housing-round-1.md\n  pingyi ledger export --year 2026                       每个部门一张工作表\n\n表格的填法见模板中的“填写说明”工作表和编辑指南。"
)]
pub(crate) struct LedgerArgs {
    #[command(subcommand)]
    pub(crate) command: LedgerCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LedgerCommand {
    /// 生成整改台账模板(Excel 表格):表头、状态下拉列表、日期格式和填写说明
    Template(TemplateArgs),
    /// 把填好的台账表格导入一篇整改公告,替换其中的整改台账(items),其余内容原样保留
    Import(ImportArgs),
    /// 把整改公告的台账导出为 Excel 表格:一篇文档一张工作表,或一个年度每个部门一张
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TemplateArgs {
    /// 模板写到哪里
    #[arg(long, short, value_name = "文件", default_value = "整改台账模板.xlsx")]
    pub(crate) output: PathBuf,
    /// 文件已存在时覆盖它
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// 填好的台账表格(.xlsx、.xls 或 .ods)
    #[arg(value_name = "表格")]
    pub(crate) workbook: PathBuf,
    /// 导入到哪一篇整改公告(.md);其中的 items 整个换成表格中的事项
    #[arg(long, value_name = "文档")]
    pub(crate) into: PathBuf,
    /// 读哪个工作表;默认读以该部门简称或名称命名的工作表,没有则读第一个
    #[arg(long, value_name = "名称")]
    pub(crate) sheet: Option<String>,
    /// 只显示导入后的台账,不写入文件
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// 站点目录(含 site.yaml);默认从文档所在目录向上找
    #[arg(long, value_name = "目录")]
    pub(crate) root: Option<PathBuf>,
    /// 把“今天”定为这一天(YYYY-MM-DD),用于检查完成日期和逾期事项
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub(crate) today: Option<Date>,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["document", "year"]))]
pub(crate) struct ExportArgs {
    /// 要导出的整改公告(.md)
    #[arg(value_name = "文档")]
    pub(crate) document: Option<PathBuf>,
    /// 导出这一年度评议活动的全部整改台账,每个部门一张工作表(取该部门最新的一份整改公告)
    #[arg(long, value_name = "年度")]
    pub(crate) year: Option<i32>,
    /// 表格写到哪里;默认为当前目录下的“部门简称整改台账.xlsx”或“年度整改台账.xlsx”
    #[arg(long, short, value_name = "文件")]
    pub(crate) output: Option<PathBuf>,
    /// 文件已存在时覆盖它
    #[arg(long)]
    pub(crate) force: bool,
    /// 站点目录(含 site.yaml);导出一篇文档时默认从文档所在目录向上找,导出年度时默认当前目录
    #[arg(long, value_name = "目录")]
    pub(crate) root: Option<PathBuf>,
    /// 包括草稿和定时发布的文档
    #[arg(long)]
    pub(crate) drafts: bool,
    /// 把“今天”定为这一天(YYYY-MM-DD),用于判断定时发布
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub(crate) today: Option<Date>,
}

pub(crate) fn run(args: &LedgerArgs, level: Level, m: &Marks) -> ExitCode {
    match &args.command {
        LedgerCommand::Template(a) => template(a, level, m),
        LedgerCommand::Import(a) => import(a, level, m),
        LedgerCommand::Export(a) => export(a, level, m),
    }
}

/// The folder above `doc` that holds `site.yaml`.
fn find_root(doc: &Path) -> Option<PathBuf> {
    let start = doc.canonicalize().ok()?;
    start
        .ancestors()
        .skip(1)
        .find(|d| d.join(pingyi::config::CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Writes a workbook, refusing to overwrite without `force`: a filled-in ledger is work.
fn write_workbook(out: &Path, bytes: &[u8], force: bool, m: &Marks) -> Result<(), ExitCode> {
    if out.exists() && !force {
        eprintln!(
            "{} {} 已存在,没有覆盖;换一个 --output,或加 --force 覆盖",
            m.fail,
            safe_path(out)
        );
        return Err(ExitCode::from(2));
    }
    pingyi::output::replace_file(out, bytes).map_err(|e| {
        eprintln!("{} 无法写入 {}", m.fail, safe(&e.to_string()));
        ExitCode::from(2)
    })
}

fn template(args: &TemplateArgs, level: Level, m: &Marks) -> ExitCode {
    let bytes = match sheet::template() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{} {}", m.fail, e.0);
            return ExitCode::from(2);
        }
    };
    if let Err(code) = write_workbook(&args.output, &bytes, args.force, m) {
        return code;
    }
    if level != Level::Quiet {
        eprintln!(
            "{} 已生成整改台账模板 {}:发给部门填写,收回后用 pingyi ledger import 导入",
            m.ok,
            safe_path(&args.output)
        );
    }
    ExitCode::SUCCESS
}

fn import(args: &ImportArgs, level: Level, m: &Marks) -> ExitCode {
    let root = args.root.clone().or_else(|| find_root(&args.into));
    let label = args.workbook.display().to_string();
    let req = ImportRequest {
        workbook: &args.workbook,
        label: &label,
        sheet: args.sheet.as_deref(),
        document: &args.into,
        root: root.as_deref(),
        options: Options {
            today: args.today,
            ..Options::default()
        },
    };
    let shown = safe_path(&args.into);
    let imported = match sheet::import(&req) {
        Ok(i) => i,
        Err(ImportError::Refused(msg)) => {
            eprintln!("{} {};没有写入 {shown}", m.fail, safe(&msg));
            return ExitCode::from(2);
        }
        Err(ImportError::Invalid { cells, document }) => {
            for p in &cells {
                eprintln!("{p}");
            }
            if !document.is_empty() {
                eprintln!();
                print_diagnostics(&document, level);
            }
            eprintln!(
                "{} 发现 {} 处问题;没有写入 {shown},改好表格后再导入",
                m.fail,
                cells.len() + document.iter().filter(|d| d.is_error()).count()
            );
            return ExitCode::from(1);
        }
    };
    if level != Level::Quiet {
        for w in &imported.warnings {
            eprintln!("警告: {w}");
        }
        print_diagnostics(&imported.document_warnings, level);
    }
    let before = imported
        .before
        .map(|n| format!("(原有 {n} 项)"))
        .unwrap_or_default();
    let what = format!(
        "{} 工作表“{}”的 {} 个整改事项",
        safe(&label),
        safe(&imported.sheet),
        imported.rows.len()
    );
    if args.dry_run {
        // A closed pipe (`| head`) is no failure of the import.
        let _ = writeln!(std::io::stdout(), "{}", imported.block);
        eprintln!(
            "试运行:将把 {what}导入 {shown}{before}{};没有写入任何文件",
            if imported.unchanged {
                ",与现有台账相同"
            } else {
                ""
            }
        );
        return ExitCode::SUCCESS;
    }
    if imported.unchanged {
        if level != Level::Quiet {
            eprintln!("{} {shown} 的台账与 {what}相同,没有改动", m.ok);
        }
        return ExitCode::SUCCESS;
    }
    if let Err(e) = pingyi::output::replace_file(&args.into, imported.text.as_bytes()) {
        eprintln!("{} 无法写入 {}", m.fail, safe(&e.to_string()));
        return ExitCode::from(2);
    }
    if level != Level::Quiet {
        eprintln!("{} 已把 {what}导入 {shown}{before}", m.ok);
    }
    ExitCode::SUCCESS
}

fn export(args: &ExportArgs, level: Level, m: &Marks) -> ExitCode {
    let options = Options {
        drafts: args.drafts,
        today: args.today,
        base_url: None,
    };
    let (ledgers, notes) = match (&args.document, args.year) {
        (Some(doc), _) => match document_ledger(doc, args.root.clone(), level, m) {
            Ok(l) => {
                let note = vec![String::new(), format!("本表来自 {}", safe_path(&l.source))];
                (vec![l], note)
            }
            Err(code) => return code,
        },
        (None, Some(year)) => {
            let root = args.root.clone().unwrap_or_else(|| PathBuf::from("."));
            let site = match pingyi::load_site(&root, &options) {
                Ok((site, _)) => site,
                Err(diags) => {
                    print_diagnostics(&diags, level);
                    eprintln!("{} 站点有错误,没有导出;先用 pingyi check 检查", m.fail);
                    return ExitCode::from(1);
                }
            };
            let ledgers = sheet::year_ledgers(&site, year);
            if ledgers.is_empty() {
                eprintln!("{} {year} 年度的评议活动没有整改公告,没有导出", m.fail);
                return ExitCode::from(1);
            }
            let notes = sheet::year_notes(year, &ledgers);
            (ledgers, notes)
        }
        (None, None) => unreachable!("clap requires a document or --year"),
    };
    let out = args.output.clone().unwrap_or_else(|| match args.year {
        Some(year) if args.document.is_none() => PathBuf::from(format!("{year}年度整改台账.xlsx")),
        _ => PathBuf::from(format!("{}整改台账.xlsx", ledgers[0].sheet)),
    });
    let sheets: Vec<LedgerSheet<'_>> = ledgers
        .iter()
        .map(|l| LedgerSheet {
            name: l.sheet.clone(),
            items: &l.items,
        })
        .collect();
    let bytes = match sheet::ledger_workbook(&sheets, &notes) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{} {}", m.fail, e.0);
            return ExitCode::from(2);
        }
    };
    if let Err(code) = write_workbook(&out, &bytes, args.force, m) {
        return code;
    }
    if level != Level::Quiet {
        let items: usize = ledgers.iter().map(|l| l.items.len()).sum();
        eprintln!(
            "{} 已导出 {} 张工作表、{items} 个整改事项到 {}",
            m.ok,
            ledgers.len(),
            safe_path(&out)
        );
    }
    ExitCode::SUCCESS
}

/// The ledger of one document, named for its department from the site's `site.yaml` when
/// there is one.
fn document_ledger(
    doc: &Path,
    root: Option<PathBuf>,
    level: Level,
    m: &Marks,
) -> Result<sheet::Ledger, ExitCode> {
    let text = match std::fs::read(doc) {
        Ok(bytes) => pingyi::load::decode(doc, bytes).map_err(|d| {
            print_diagnostics(&[d], level);
            ExitCode::from(1)
        })?,
        Err(e) => {
            eprintln!("{} 无法读取 {}: {e}", m.fail, safe_path(doc));
            return Err(ExitCode::from(2));
        }
    };
    let parsed = Document::parse(doc, &text).map_err(|diags| {
        print_diagnostics(&diags, level);
        eprintln!("{} {} 有错误,没有导出", m.fail, safe_path(doc));
        ExitCode::from(1)
    })?;
    let config = root
        .or_else(|| find_root(doc))
        .and_then(|r| Config::load(&r).ok());
    sheet::document_ledger(config.as_ref(), &parsed).ok_or_else(|| {
        eprintln!(
            "{} {} 不是整改公告(type: rectification),没有台账可导出",
            m.fail,
            safe_path(doc)
        );
        ExitCode::from(2)
    })
}
