//! What an archive is filed under: `site.yaml`'s `archive:` (全宗号, 立档单位, the default
//! 保管期限) and the 保管期限 a document may set for itself, with their codes in a 档号
//! (DA/T 22-2015).

use serde::{Deserialize, Serialize};

/// `archive:` in `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveSettings {
    /// 全宗号, given by the archive the records go to: `J012`.
    pub fonds: String,
    /// 立档单位: the body whose records these are.
    pub agency: String,
    /// The 保管期限 of a document that does not set its own.
    #[serde(default)]
    pub retention: Retention,
}

/// 保管期限 (DA/T 22-2015 §6.1.3): 永久, 定期30年, 定期10年.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, Serialize,
)]
pub enum Retention {
    #[default]
    #[serde(rename = "永久")]
    Permanent,
    #[serde(rename = "30年")]
    Years30,
    #[serde(rename = "10年")]
    Years10,
}

impl Retention {
    /// The code in a 档号: `Y`, `D30`, `D10`.
    pub fn code(self) -> &'static str {
        match self {
            Retention::Permanent => "Y",
            Retention::Years30 => "D30",
            Retention::Years10 => "D10",
        }
    }

    /// As written in a catalogue: `永久`, `30年`, `10年`.
    pub fn label(self) -> &'static str {
        match self {
            Retention::Permanent => "永久",
            Retention::Years30 => "30年",
            Retention::Years10 => "10年",
        }
    }
}

impl ArchiveSettings {
    /// What is wrong with these settings, for `site.yaml`'s diagnostics: the 全宗号 stands in
    /// every 档号 and file name of the bundle, so it is letters and digits only.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        let fonds = self.fonds.trim();
        if fonds.is_empty() {
            found.push(("fonds", "全宗号 `fonds` 不能为空".to_string()));
        } else if !fonds.chars().all(|c| c.is_ascii_alphanumeric()) || fonds.len() > 16 {
            found.push((
                "fonds",
                format!("全宗号 `{fonds}` 只能由字母和数字组成(最多 16 个),如 `J012`"),
            ));
        }
        if self.agency.trim().is_empty() {
            found.push(("agency", "立档单位 `agency` 不能为空".to_string()));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_reads_as_written_in_chinese_and_codes_as_da_t_22() {
        let r: Vec<Retention> = serde_yaml::from_str("[永久, 30年, 10年]").unwrap();
        let codes: Vec<_> = r.iter().map(|r| r.code()).collect();
        assert_eq!(codes, ["Y", "D30", "D10"]);
        assert!(serde_yaml::from_str::<Retention>("长期").is_err());
    }

    #[test]
    fn a_fonds_number_is_letters_and_digits() {
        let s = |fonds: &str| ArchiveSettings {
            fonds: fonds.into(),
            agency: "示例市人大常委会".into(),
            retention: Retention::Permanent,
        };
        assert!(s("J012").problems().is_empty());
        assert_eq!(s("J-012").problems()[0].0, "fonds");
        assert_eq!(s(" ").problems().len(), 1);
    }
}
