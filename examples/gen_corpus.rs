//! Writes a realistic site of N documents for benchmarks: every type, a review cycle per year,
//! departments, ledger items in every status (some overdue), links between documents as
//! editors write them, tables and lists in bodies. Deterministic from the seed; the site passes
//! `pingyi check --today 2026-11-27`.
//!
//!     cargo run --release --example gen_corpus -- --pages 10000 --out /dev/shm/site [--seed 1]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const DEPARTMENTS: &[(&str, &str)] = &[
    ("housing", "住房和城乡建设局"),
    ("ecology", "生态环境局"),
    ("education", "教育局"),
    ("health", "卫生健康委员会"),
    ("transport", "交通运输局"),
    ("civil", "民政局"),
    ("labour", "人力资源和社会保障局"),
    ("resources", "自然资源和规划局"),
    ("water", "水利局"),
    ("agriculture", "农业农村局"),
    ("commerce", "商务局"),
    ("market", "市场监督管理局"),
    ("emergency", "应急管理局"),
    ("urban", "城市管理局"),
    ("finance", "财政局"),
    ("development", "发展和改革委员会"),
    ("industry", "工业和信息化局"),
    ("culture", "文化广电旅游局"),
    ("medical", "医疗保障局"),
    ("veterans", "退役军人事务局"),
    ("justice", "司法局"),
    ("statistics", "统计局"),
];

const TAGS: &[&str] = &[
    "工作评议",
    "整改落实",
    "民生实事",
    "营商环境",
    "生态环境保护",
    "住房保障",
    "教育发展",
    "医疗卫生",
    "养老服务",
    "就业创业",
    "乡村振兴",
    "城市管理",
    "交通出行",
    "食品安全",
    "安全生产",
    "依法行政",
    "财政预算",
    "满意度测评",
];

const SENTENCES: &[&str] = &[
    "市人大常委会把工作评议作为加强监督的重要抓手,坚持问题导向,推动解决群众反映强烈的突出问题。",
    "评议调查组深入社区、企业和项目现场,召开座谈会十余场,广泛听取人大代表和群众的意见建议。",
    "受评部门要端正态度,自觉接受监督,把评议过程作为查找不足、改进工作的过程。",
    "对评议中指出的问题,要建立整改台账,明确责任单位、整改措施和完成时限,做到事前登记、事中督办、事后销号。",
    "整改情况要按时向常委会报告并向社会公开,做到事事有答复、件件有着落。",
    "常委会组成人员对部门工作进行满意度测评,测评结果作为改进工作的重要依据。",
    "部分事项涉及多个部门,协调难度较大,需要建立联动机制,形成工作合力。",
    "下一步将持续跟踪督办,对整改不到位的事项开展“回头看”,确保整改取得实效。",
    "要坚持以人民为中心的发展思想,把群众满意不满意作为检验工作成效的根本标准。",
    "各有关单位要严格落实主体责任,主要负责同志亲自抓,分管负责同志具体抓。",
    "对群众反映集中的审批时限长、办事环节多等问题,已出台简化流程的具体措施。",
    "评议期间共收到群众来信来电两百余件,已全部转交受评部门办理并跟踪反馈。",
    "要把评议工作与日常监督结合起来,建立健全长效机制,防止问题反弹。",
    "专项资金使用情况已纳入审计计划,审计结果将向常委会报告。",
    "对评议意见中提出的意见建议,受评部门逐条研究,制定了切实可行的整改方案。",
    "人大代表全程参与评议调查,提出了许多有针对性的意见和建议。",
];

const PROBLEMS: &[&str] = &[
    "审批环节多、办理时限长,群众和企业办事不够便利",
    "专项资金拨付进度慢,部分项目迟迟未能开工",
    "基层执法力量不足,日常监管存在薄弱环节",
    "信息公开不及时,群众对办理进度了解不够",
    "老旧设施维护不到位,存在安全隐患",
    "部门之间协同不够,同一事项多头管理",
    "投诉处理反馈慢,群众满意度不高",
    "服务网点布局不均衡,偏远地区覆盖不足",
];

const MEASURES: &[&str] = &[
    "精简审批材料,推行并联审批,将办理时限压缩一半以上",
    "建立资金拨付周调度制度,逐项目明确拨付节点",
    "充实基层执法力量,开展专项检查并公开检查结果",
    "在门户网站开设专栏,按月公开办理进度",
    "开展全面排查,建立隐患清单并限期整改",
    "建立部门联席会议制度,明确牵头单位和配合单位",
    "实行投诉限时办结制度,每月通报办理情况",
    "新增服务网点,推行预约上门服务",
];

struct Doc {
    rel: PathBuf,
    title: String,
}

#[allow(dead_code)]
fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn date(rng: &mut Rng, year: i32, last_month: u32) -> String {
    let m = 1 + rng.below(last_month as usize) as u32;
    let d = 1 + rng.below(28) as u32;
    format!("{year}-{m:02}-{d:02}")
}

fn body(rng: &mut Rng, earlier: &[Doc], from: &Path, bytes: usize) -> String {
    let numerals = ["一", "二", "三", "四", "五", "六"];
    let mut s = String::new();
    let mut section = 0;
    while s.len() < bytes {
        if s.is_empty() || rng.below(4) == 0 {
            let head: String = rng.pick(SENTENCES).chars().take(8).collect();
            let _ = writeln!(s, "## {}、{head}\n", numerals[section % 6]);
            section += 1;
        }
        for _ in 0..2 + rng.below(3) {
            let sentence = *rng.pick(SENTENCES);
            s.push_str(sentence);
        }
        s.push_str("\n\n");
        match rng.below(8) {
            0 => {
                for _ in 0..3 {
                    let _ = writeln!(s, "- {}", rng.pick(MEASURES));
                }
                s.push('\n');
            }
            1 => {
                s.push_str("| 事项 | 责任单位 | 时限 |\n|---|---|---|\n");
                for _ in 0..3 {
                    let (_, d) = rng.pick(DEPARTMENTS);
                    let _ = writeln!(
                        s,
                        "| {} | 市{d} | {}个月 |",
                        rng.pick(PROBLEMS),
                        1 + rng.below(12)
                    );
                }
                s.push('\n');
            }
            2 if !earlier.is_empty() => {
                // A link to an earlier document, written relative to this one.
                let target = &earlier[earlier.len() - 1 - rng.below(earlier.len().min(200))];
                let up = from.parent().unwrap().components().count();
                let rel = format!("{}{}", "../".repeat(up), target.rel.display());
                let _ = writeln!(s, "相关文件:[{}]({rel})。\n", target.title);
            }
            _ => {}
        }
    }
    s
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::create_dir_all(to).unwrap();
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[allow(dead_code)] // The benches include this file for `generate` alone.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pages: usize = arg(&args, "--pages")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = arg(&args, "--seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let bytes: usize = arg(&args, "--page-bytes")
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let out = PathBuf::from(arg(&args, "--out").expect("--out DIR"));
    generate(&out, pages, seed, bytes);
    eprintln!(
        "wrote {pages} documents and 8 review cycles to {}",
        out.display()
    );
}

/// Writes a site of `pages` documents (plus a review cycle per year, 2019 to 2026) of about
/// `bytes` of body each into `out`, replacing what was there, with this checkout's theme.
pub fn generate(out: &Path, pages: usize, seed: u64, bytes: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    if out.exists() {
        std::fs::remove_dir_all(out).unwrap();
    }

    let mut site = String::from(
        "title: 某市人大常委会工作评议公开网\nbase_url: https://rd.example.gov.cn\ntheme: default\norganizer: 某市人大常委会办公厅\nsite_code: \"0000000000\"\narchive: {fonds: J012, agency: 某市人大常委会}\ndepartments:\n",
    );
    for (id, name) in DEPARTMENTS {
        let _ = writeln!(site, "  - id: {id}\n    name: 市{name}");
    }
    write(&out.join("site.yaml"), &site);

    let years: Vec<i32> = (2019..=2026).collect();
    let mut reviewed: Vec<Vec<&str>> = Vec::new();
    for &y in &years {
        let depts: Vec<&str> = (0..6)
            .map(|k| DEPARTMENTS[(y as usize * 5 + k * 3) % DEPARTMENTS.len()].0)
            .collect();
        let mut r = format!(
            "---\ntitle: {y}年度市人大常委会工作评议\ntype: review\nid: \"{y}\"\nyear: {y}\ndate: {y}-01-05\ndepartments: [{}]\nstages:\n",
            depts.join(", ")
        );
        for (name, s, e) in [
            ("评议准备", "01-05", "03-31"),
            ("评议调查", "04-01", "06-30"),
            ("集中评议", "07-01", "09-30"),
            ("整改落实", "10-01", "12-31"),
        ] {
            let _ = writeln!(r, "  - {{name: {name}, start: {y}-{s}, end: {y}-{e}}}");
        }
        r.push_str("results:\n");
        for (k, d) in depts.iter().enumerate() {
            let (sat, basic) = (20 + rng.below(12), 3 + rng.below(8));
            let unsat = 45 - sat - basic;
            let verdict = if sat * 2 > 45 {
                "满意"
            } else {
                "基本满意"
            };
            let _ = writeln!(
                r,
                "  - {{department: {d}, round: 1, satisfied: {sat}, basically_satisfied: {basic}, unsatisfied: {unsat}, verdict: {verdict}}}"
            );
            if k == 0 {
                let _ = writeln!(
                    r,
                    "  - {{department: {d}, round: 2, satisfied: 30, basically_satisfied: 8, unsatisfied: 2, verdict: 满意}}"
                );
            }
        }
        r.push_str("---\n本年度工作评议围绕群众关心的热点难点问题,按照评议准备、评议调查、集中评议、整改落实四个阶段进行。\n");
        write(&out.join(format!("content/{y}/review.md")), &r);
        reviewed.push(depts);
    }

    let mut docs: Vec<Doc> = Vec::new();
    for n in 0..pages {
        let yi = n * years.len() / pages.max(1);
        let year = years[yi];
        let depts = &reviewed[yi];
        let last_month = if year == 2026 { 10 } else { 12 };
        let d = date(&mut rng, year, last_month);
        let tags: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| *rng.pick(TAGS))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let roll = rng.below(10);
        let (plural, fm) = if roll < 2 {
            let title = format!(
                "在{year}年工作评议{}上的讲话(之{n})",
                rng.pick(&["动员会", "推进会", "集中评议会议", "整改报告会"])
            );
            (
                "speeches",
                format!(
                    "title: {title}\ntype: speech\ndate: {d}\nreview: \"{year}\"\nspeaker: {}\nspeaker_title: {}\noccasion: {year}年工作评议会议\ntags: [{}]\n",
                    rng.pick(&["李明华", "王建国", "张丽萍", "陈志强", "刘海燕"]),
                    rng.pick(&[
                        "市人大常委会主任",
                        "市人大常委会副主任",
                        "副市长",
                        "市人大常委会秘书长"
                    ]),
                    tags.join(", ")
                ),
            )
        } else if roll < 5 {
            let dep = rng.pick(depts);
            let kind = rng.pick(&["plan", "announcement", "call_for_opinions", "result"]);
            let deadline = if *kind == "call_for_opinions" {
                format!("deadline: {}\n", date(&mut rng, year, last_month))
            } else {
                String::new()
            };
            (
                "notices",
                format!(
                    "title: 关于{year}年度工作评议有关事项的通知(第{n}号)\ntype: notice\ndate: {d}\nreview: \"{year}\"\ndepartments: [{dep}]\nnotice_kind: {kind}\n{deadline}doc_number: 某人大常〔{year}〕{n}号\nindex_no: RD-{year}-{n:05}\nissuer: 某市人大常委会办公厅\ntags: [{}]\n",
                    tags.join(", ")
                ),
            )
        } else {
            let dep = rng.pick(depts);
            let name = DEPARTMENTS.iter().find(|(id, _)| id == dep).unwrap().1;
            let mut fm = format!(
                "title: 市{name}关于{year}年度工作评议意见整改情况的报告(第{n}号)\ntype: rectification\ndate: {d}\nreview: \"{year}\"\ndepartment: {dep}\nround: 1\ntags: [{}]\nitems:\n",
                tags.join(", ")
            );
            for i in 0..3 + rng.below(6) {
                let status = *rng.pick(&["done", "done", "in_progress", "registered"]);
                let deadline =
                    format!("{}-{:02}-28", year + rng.below(2) as i32, 1 + rng.below(12));
                let _ = write!(
                    fm,
                    "  - id: \"{}\"\n    problem: {}\n    measures: {}\n    responsible: 市{name}\n    deadline: {deadline}\n    status: {status}\n",
                    i + 1,
                    rng.pick(PROBLEMS),
                    rng.pick(MEASURES)
                );
                if status == "done" {
                    let _ = writeln!(fm, "    completed: {d}");
                }
                if status != "registered" && rng.below(2) == 0 {
                    let _ = writeln!(
                        fm,
                        "    progress:\n      - {{date: {d}, note: 已召开专题会议部署整改}}"
                    );
                }
            }
            ("rectifications", fm)
        };
        let rel = PathBuf::from(format!("content/{year}/{plural}/d{n:06}.md"));
        let from = rel.strip_prefix("content").unwrap().to_path_buf();
        let text = format!("---\n{fm}---\n\n{}", body(&mut rng, &docs, &from, bytes));
        write(&out.join(&rel), &text);
        let title = fm
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("title: ")
            .to_string();
        docs.push(Doc { rel: from, title });
    }
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &out.join("themes/default"),
    );
}
