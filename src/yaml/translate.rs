//! serde's and libyaml's English turned into a message and a hint an editor understands: no
//! Rust type, serde or libyaml word reaches a message.

use crate::diagnostic::did_you_mean;

/// Field names an editor may write in Chinese, with the English name the contract uses.
const CHINESE_KEYS: &[(&str, &str)] = &[
    ("标题", "title"),
    ("类型", "type"),
    ("日期", "date"),
    ("发布日期", "date"),
    ("评议", "review"),
    ("摘要", "summary"),
    ("标签", "tags"),
    ("索引号", "index_no"),
    ("发布机构", "issuer"),
    ("文号", "doc_number"),
    ("成文日期", "written_date"),
    ("保管期限", "retention"),
    ("全宗号", "fonds"),
    ("立档单位", "agency"),
    ("附件", "attachments"),
    ("草稿", "draft"),
    ("编号", "id"),
    ("年度", "year"),
    ("部门", "department"),
    ("讲话人", "speaker"),
    ("职务", "speaker_title"),
    ("场合", "occasion"),
    ("地点", "venue"),
    ("截止日期", "deadline"),
    ("轮次", "round"),
    ("问题", "problem"),
    ("整改措施", "measures"),
    ("责任单位", "responsible"),
    ("整改时限", "deadline"),
    ("状态", "status"),
    ("完成日期", "completed"),
    ("来源", "source"),
];

/// The English field name for a Chinese one an editor wrote, if it is one we know.
pub fn english_key(chinese: &str) -> Option<&'static str> {
    CHINESE_KEYS
        .iter()
        .find(|(zh, _)| *zh == chinese)
        .map(|(_, en)| *en)
}

/// serde's path to a field, as an editor reads it: `items[2].status` →
/// `items` 第 3 项的 `status`.
pub fn path_zh(path: &str) -> String {
    let mut out = String::new();
    for (i, part) in path.split('.').enumerate() {
        if i > 0 {
            out.push_str("的 ");
        }
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push_str(&format!("`{name}`"));
        }
        while let Some((n, r)) = rest.split_once(']') {
            let ordinal = n
                .parse::<usize>()
                .map_or_else(|_| n.to_string(), |n| (n + 1).to_string());
            out.push_str(&format!(" 第 {ordinal} 项"));
            rest = r.strip_prefix('[').unwrap_or(r);
        }
    }
    out
}

/// How a message names the field at serde's `path`: 字段 `date`, or
/// `items` 第 3 项的 `status` within a list.
pub fn field_label(path: &str) -> String {
    if path.contains(['[', '.']) {
        path_zh(path)
    } else {
        format!("字段 `{path}`")
    }
}

/// A message and its hint for serde's `raw` (without its location).
pub fn translate(raw: &str) -> (String, Option<String>) {
    // "items[0].status: unknown variant ..." → field path and the rest.
    let (field, rest) = match raw.split_once(": ") {
        Some((f, r)) if !f.contains(' ') && !f.is_empty() => (Some(f), r),
        _ => (None, raw),
    };
    let in_field = field
        .map(|f| format!("{}: ", field_label(f)))
        .unwrap_or_default();

    if let Some(x) = rest.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(x);
        let hint = match english_key(&name) {
            Some(en) => format!("字段名要用英文:`{name}` 写作 `{en}`"),
            None => match did_you_mean(&name, expected.iter().map(String::as_str)) {
                Some(m) => format!("是不是 `{m}`?"),
                None => format!("可用的字段: {}", expected.join(", ")),
            },
        };
        let place = field
            .map(|f| format!("(在 {} 中)", path_zh(f)))
            .unwrap_or_default();
        return (format!("未知字段 `{name}`{place}"), Some(hint));
    }
    if let Some(x) = rest.strip_prefix("unknown variant ") {
        let (name, expected) = split_expected(x);
        let hint = match did_you_mean(&name, expected.iter().map(String::as_str)) {
            Some(m) => format!("是不是 `{m}`? 可选的值: {}", expected.join(", ")),
            None => format!("可选的值: {}", expected.join(", ")),
        };
        return (format!("{in_field}取值 `{name}` 无效"), Some(hint));
    }
    if let Some(x) = rest.strip_prefix("missing field ") {
        return (format!("{in_field}缺少必填字段 {x}"), None);
    }
    if let Some(x) = rest.strip_prefix("duplicate field ") {
        return (
            format!("{in_field}字段 {x} 写了两次"),
            Some("删去其中一处,或把两处的内容合在一起".into()),
        );
    }
    if let Some(x) = rest.strip_prefix("invalid type: ") {
        return invalid_type(field, &in_field, x);
    }
    if let Some(x) = rest.strip_prefix("invalid value: ") {
        let (got, expected) = x.split_once(", expected ").unwrap_or((x, "?"));
        return (
            format!(
                "{in_field}取值无效: {},应为{}",
                got.replace("integer", "整数"),
                kind_zh(expected)
            ),
            None,
        );
    }
    if let Some(hint) = super::checked::hint(rest) {
        return (format!("{in_field}{rest}"), Some(hint.into()));
    }
    match field {
        // Our own messages (dates, ids) are already Chinese.
        Some(_) if !rest.is_ascii() => (format!("{in_field}{rest}"), None),
        Some(_) => (
            format!("{in_field}写法不对"),
            Some("对照编辑指南中这个字段的示例检查写法".into()),
        ),
        None => libyaml_error(raw),
    }
}

fn invalid_type(field: Option<&str>, in_field: &str, x: &str) -> (String, Option<String>) {
    let (got, expected) = x.split_once(", expected ").unwrap_or((x, "?"));
    if got.starts_with("integer") && expected.starts_with('u') {
        let n = got.trim_start_matches("integer").trim().trim_matches('`');
        return (
            format!("{in_field}取值无效: 应为不小于 0 的整数,这里是 {n}"),
            None,
        );
    }
    if field.is_none() && expected.starts_with("struct") {
        // The whole front matter (or site.yaml) is not a table of fields.
        return (
            format!(
                "文档属性应当一行一个“字段: 值”,这里读到的是{}",
                kind_zh(got)
            ),
            Some("每行写成 `title: 标题` 这样:英文字段名,英文冒号,冒号后一个空格".into()),
        );
    }
    let hint = if kind_zh(expected) == "整数" {
        // A count or a year: quoting would not help.
        "这里写阿拉伯数字的整数,例如 38:不带小数点、汉字或引号"
    } else {
        "含有冒号、井号、方括号等符号的文本请用英文引号括起来"
    };
    (
        format!(
            "{in_field}类型不对: 应为{},这里是{}",
            kind_zh(expected),
            kind_zh(got)
        ),
        Some(hint.into()),
    )
}

/// libyaml's own words, for the mistakes editors make; anything else is a plain
/// "YAML 格式错误" with the general hint.
fn libyaml_error(raw: &str) -> (String, Option<String>) {
    let original = raw.split(" at line ").next().unwrap_or(raw);
    let explained = [
        ("tab character", "缩进里有 Tab 字符,YAML 只能用空格缩进"),
        (
            "cannot start any token",
            "这里有 YAML 不允许的字符(Tab、@ 或 `):文本以它们开头时请用英文引号括起来,缩进只能用空格",
        ),
        (
            "control characters are not allowed",
            "含有看不见的控制字符,多半是从其他软件粘贴时带入的",
        ),
        (
            "mapping values are not allowed",
            "这一行多了冒号:文本里有冒号时,请用英文引号把整段文本括起来",
        ),
        ("did not find expected key", "缩进没有对齐,找不到下一个字段"),
        (
            "could not find expected ':'",
            "这一行缺少冒号;或者上一行的文本换了行,却没有用引号括起来",
        ),
        ("did not find expected ',' or ']'", "方括号 [ ] 没有成对"),
        ("did not find expected ',' or '}'", "花括号 { } 没有成对"),
        ("unexpected end of stream", "引号或括号没有闭合"),
        ("unknown anchor", "引用了不存在的锚点(*名称)"),
        (
            "alphabetic or numeric character",
            "以 & 或 * 开头的文本请用英文引号括起来",
        ),
        ("undefined tag handle", "以 ! 开头的文本请用英文引号括起来"),
        (
            "escape",
            "双引号里的反斜杠 \\ 后面跟了不认识的字符:要写反斜杠本身请写 \\\\,或改用单引号",
        ),
        (
            "block sequence entries are not allowed",
            "列表项(以 - 开头的行)的位置不对:它应另起一行,并比字段名多缩进",
        ),
        ("expected '-' indicator", "列表项(以 - 开头的行)没有对齐"),
        ("expected node content", "这里缺少值"),
        ("recursion limit", "嵌套的层数太多"),
        ("duplicate", "同一个字段写了两次"),
    ]
    .into_iter()
    .find(|(needle, _)| original.contains(needle))
    .map(|(_, zh)| zh);
    let message = match explained {
        Some(zh) => format!("YAML 格式错误: {zh}"),
        None => "YAML 格式错误".to_string(),
    };
    (
        message,
        Some("检查缩进(只能用空格)和冒号;含有冒号、井号等符号的文本请用英文引号括起来".into()),
    )
}

/// "`x`, expected one of `a`, `b`" → ("x", ["a", "b"])
fn split_expected(s: &str) -> (String, Vec<String>) {
    let (name, rest) = s.split_once(", expected").unwrap_or((s, ""));
    let ticks = |t: &str| {
        t.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    (
        ticks(name).into_iter().next().unwrap_or_default(),
        ticks(rest),
    )
}

/// serde's name for a kind of value, in the words of the editor's YAML.
fn kind_zh(s: &str) -> String {
    let s = s.trim();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| s.starts_with(p));
    let zh = if starts(&["a string", "string"]) {
        "文本"
    } else if starts(&["a sequence", "sequence"]) {
        "列表"
    } else if starts(&["map", "struct", "a map"]) {
        "键值表(一行一个“字段: 值”)"
    } else if starts(&["integer", "u32", "u64", "i32", "i64", "u8", "u16", "i16"]) {
        "整数"
    } else if starts(&["floating point", "f64", "f32"]) {
        "小数"
    } else if starts(&["a boolean", "boolean"]) {
        "true 或 false"
    } else if starts(&["unit", "null"]) {
        "空值"
    } else if starts(&["a date", "date"]) {
        "日期(YYYY-MM-DD)"
    } else if starts(&["enum", "variant"]) {
        "列出的取值之一"
    } else {
        "其他写法"
    };
    zh.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_ordinals() {
        assert_eq!(path_zh("items[2].status"), "`items` 第 3 项的 `status`");
        assert_eq!(
            path_zh("items[0].progress[1].date"),
            "`items` 第 1 项的 `progress` 第 2 项的 `date`"
        );
        assert_eq!(path_zh("team.leader"), "`team`的 `leader`");
    }

    #[test]
    fn no_rust_or_serde_names() {
        for raw in [
            "invalid type: string \"标题：x\", expected struct Raw",
            "team: invalid type: sequence, expected struct Team",
            "items[0]: invalid type: string \"x\", expected struct Item",
            "year: invalid type: string \"x\", expected i32",
            "found character that cannot start any token",
            "something libyaml says that we never saw",
        ] {
            let (m, h) = translate(raw);
            let all = format!("{m} {}", h.unwrap_or_default());
            for word in [
                "struct", "Raw", "Team", "Item", "i32", "string", "found", "libyaml",
            ] {
                assert!(!all.contains(word), "{raw} → {all}");
            }
        }
        let (m, _) = translate("invalid type: string \"标题：x\", expected struct Raw");
        assert_eq!(m, "文档属性应当一行一个“字段: 值”,这里读到的是文本");
    }

    #[test]
    fn chinese_field_names_get_their_english() {
        let (m, h) = translate("unknown field `标题`, expected one of `title`, `type`");
        assert_eq!(m, "未知字段 `标题`");
        assert_eq!(h.as_deref(), Some("字段名要用英文:`标题` 写作 `title`"));
    }
}
