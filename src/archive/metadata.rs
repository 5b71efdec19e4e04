//! Each 件's metadata as an XML file with Chinese element names after DA/T 46-2009
//! (文书类电子文件元数据方案): where it comes from, its 档号, what it is, and every computer file
//! of it with size and digests. `schema.xsd` beside them says the structure.

use super::catalogue::{Catalogue, Row};
use crate::render::xml_escape as escape;

/// The schema of the metadata files, kept in the bundle beside them.
pub const SCHEMA: &str = include_str!("metadata.xsd");
pub const SCHEMA_PATH: &str = "metadata/schema.xsd";

/// The metadata of `row`, a 件 of `catalogue` whose files are counted; `base_url` is the live
/// site's address.
pub fn xml(catalogue: &Catalogue, row: &Row, base_url: &str) -> String {
    let mut x = Xml::default();
    x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open("电子文件元数据", &[("版本", "1")]);
    x.leaf("聚合层次", "件");
    x.open("来源", &[]);
    x.leaf("立档单位名称", &catalogue.agency);
    x.close("来源");
    x.leaf("档号", &row.code);
    x.open("档号构成", &[]);
    x.leaf("全宗号", &catalogue.fonds);
    x.leaf("门类代码", super::catalogue::CLASS);
    x.leaf("年度", &catalogue.year.to_string());
    x.leaf("保管期限", row.retention.label());
    x.leaf("件号", &format!("{:04}", row.number));
    x.close("档号构成");
    x.open("内容描述", &[]);
    x.leaf("题名", &row.title);
    x.leaf("责任者", &row.responsible);
    if !row.doc_number.is_empty() {
        x.leaf("文号", &row.doc_number);
    }
    x.leaf("日期", &row.date);
    x.leaf("文种", row.kind);
    x.close("内容描述");
    x.open("形式特征", &[]);
    x.leaf("文件数", &row.files.len().to_string());
    x.leaf("大小", &row.size().to_string());
    x.close("形式特征");
    x.open("存储位置", &[]);
    x.leaf("网址", &format!("{base_url}{}", row.url));
    x.leaf(
        "源文件",
        &format!("{}{}", super::catalogue::SOURCES, row.source),
    );
    x.close("存储位置");
    x.open("电子属性", &[]);
    for f in &row.files {
        x.open("计算机文件", &[]);
        x.leaf("计算机文件名", &f.path);
        x.leaf("格式", format_of(&f.path));
        x.leaf("大小", &f.size.to_string());
        x.open("数字摘要", &[]);
        x.leaf("摘要算法", "SHA-256");
        x.leaf("摘要值", &f.sha256);
        x.close("数字摘要");
        x.open("数字摘要", &[]);
        x.leaf("摘要算法", "SM3");
        x.leaf("摘要值", f.sm3.as_deref().unwrap_or_default());
        x.close("数字摘要");
        x.close("计算机文件");
    }
    x.close("电子属性");
    if !row.remark.is_empty() {
        x.leaf("附注", &row.remark);
    }
    x.close("电子文件元数据");
    x.out
}

/// 格式: what a file is, by its name.
pub fn format_of(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "HTML",
        Some("md") => "Markdown",
        Some("yaml" | "yml") => "YAML",
        Some("pdf") => "PDF",
        Some("ofd") => "OFD",
        Some("docx") => "DOCX",
        Some("doc") => "DOC",
        Some("xlsx") => "XLSX",
        Some("xls") => "XLS",
        Some("wps") => "WPS",
        Some("et") => "ET",
        Some("csv") => "CSV",
        Some("json") => "JSON",
        Some("xml") => "XML",
        Some("txt") => "TXT",
        Some("png") => "PNG",
        Some("jpg" | "jpeg") => "JPEG",
        Some("gif") => "GIF",
        Some("webp") => "WebP",
        Some("svg") => "SVG",
        Some("zip") => "ZIP",
        _ => "其他",
    }
}

/// An XML text written element by element, indented, every value escaped as the feed's are.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn indent(&mut self) {
        self.out.extend(std::iter::repeat_n("  ", self.depth));
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push_str(&format!(" {k}=\"{}\"", escape(v)));
        }
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str(&format!("</{name}>\n"));
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out
            .push_str(&format!("<{name}>{}</{name}>\n", escape(text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_by_extension_whatever_the_case() {
        assert_eq!(format_of("content/2025/a/方案.PDF"), "PDF");
        assert_eq!(format_of("2025/speeches/x/index.html"), "HTML");
        assert_eq!(format_of("a/b"), "其他");
    }
}
