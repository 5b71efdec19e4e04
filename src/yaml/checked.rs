//! Every string of front matter and `site.yaml`, checked while it is deserialised: no control
//! character or noncharacter (see [`crate::plain`]), whatever YAML escape wrote it (`"\0"`,
//! `"\e"`, `"\uFFFE"`), and a line break only in the fields that hold running text. One wrapper
//! around the deserialiser rather than a check per field, so a field added later is covered
//! too; the error is raised inside the deserialiser, which adds the field's path and line.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// The fields whose text may run over several lines: a line break anywhere else (but at the
/// end, where a `|` or `>` block leaves one) is a mistake.
pub const MULTILINE: &[&str] = &["summary", "problem", "measures", "note"];

/// What [`check`] says, with the hint [`hint`] gives for it.
const CONTROL: &str = "含有不能发布的";
const LINE_BREAK: &str = "不能换行";

/// Why `s` may not be published, if it may not.
fn check(s: &str, multiline: bool) -> Option<String> {
    if let Some((_, c)) = crate::plain::find_forbidden(s) {
        return Some(format!("{CONTROL}{}", crate::plain::describe(c)));
    }
    if !multiline && s.trim_end().contains('\n') {
        return Some(format!(
            "{LINE_BREAK}(只有 {} 可以写成多行)",
            MULTILINE.join("、")
        ));
    }
    None
}

/// The hint for a message of [`check`]'s.
pub fn hint(message: &str) -> Option<&'static str> {
    if message.starts_with(CONTROL) {
        Some(
            "这个字符看不见,多半来自 YAML 转义(如 \"\\0\"、\"\\e\"、\"\\uFFFE\")或从其他软件粘贴;请删除它",
        )
    } else if message.starts_with(LINE_BREAK) {
        Some("把文字写在一行;需要分段的内容请写在正文中")
    } else {
        None
    }
}

/// A deserialiser whose strings are checked. `key` receives the string it gives, when it is
/// deserialising a map's key.
pub struct Checked<'k, D> {
    de: D,
    multiline: bool,
    key: Option<&'k mut String>,
}

impl<D> Checked<'_, D> {
    pub fn new(de: D) -> Self {
        Checked {
            de,
            multiline: false,
            key: None,
        }
    }
}

struct Wrap<'k, V> {
    v: V,
    multiline: bool,
    key: Option<&'k mut String>,
}

macro_rules! forward_de {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let v = Wrap { v: visitor, multiline: self.multiline, key: self.key };
            self.de.$method($($arg,)* v)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, D> {
    type Error = D::Error;
    forward_de!(
        deserialize_any(),
        deserialize_bool(),
        deserialize_i8(),
        deserialize_i16(),
        deserialize_i32(),
        deserialize_i64(),
        deserialize_i128(),
        deserialize_u8(),
        deserialize_u16(),
        deserialize_u32(),
        deserialize_u64(),
        deserialize_u128(),
        deserialize_f32(),
        deserialize_f64(),
        deserialize_char(),
        deserialize_str(),
        deserialize_string(),
        deserialize_bytes(),
        deserialize_byte_buf(),
        deserialize_option(),
        deserialize_unit(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map(),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier(),
        deserialize_ignored_any(),
    );

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.v.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Wrap<'_, V> {
    /// The visitor, once `s` passed; a map's key is kept for judging its value.
    fn text<E: de::Error>(self, s: &str) -> Result<V, E> {
        if let Some(message) = check(s, self.multiline) {
            return Err(E::custom(message));
        }
        if let Some(key) = self.key {
            key.clear();
            key.push_str(s);
        }
        Ok(self.v)
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.v.expecting(f)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_bytes(&[u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_char<E: de::Error>(self, c: char) -> Result<V::Value, E> {
        let v = self.text(c.encode_utf8(&mut [0; 4]))?;
        v.visit_char(c)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<V::Value, E> {
        let v = self.text(s)?;
        v.visit_str(s)
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<V::Value, E> {
        let v = self.text(s)?;
        v.visit_borrowed_str(s)
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<V::Value, E> {
        let v = self.text(&s)?;
        v.visit_string(s)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, b: &'de [u8]) -> Result<V::Value, E> {
        self.v.visit_borrowed_bytes(b)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.v.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.v.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.v.visit_some(Checked {
            de,
            multiline: self.multiline,
            key: None,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.v.visit_newtype_struct(Checked {
            de,
            multiline: self.multiline,
            key: None,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.v.visit_seq(Seq {
            inner: seq,
            multiline: self.multiline,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.v.visit_map(Map {
            inner: map,
            key: String::new(),
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.v.visit_enum(Enum {
            inner: data,
            multiline: self.multiline,
        })
    }
}

/// A seed whose deserialiser is checked.
struct Seed<'k, S> {
    seed: S,
    multiline: bool,
    key: Option<&'k mut String>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Checked {
            de,
            multiline: self.multiline,
            key: self.key,
        })
    }
}

/// A list's items are of its field: `tags`' items are one-line text.
struct Seq<A> {
    inner: A,
    multiline: bool,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.inner.next_element_seed(Seed {
            seed,
            multiline: self.multiline,
            key: None,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A map's values are judged by their key.
struct Map<A> {
    inner: A,
    /// The last key read.
    key: String,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.key.clear();
        self.inner.next_key_seed(Seed {
            seed,
            multiline: false,
            key: Some(&mut self.key),
        })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(Seed {
            seed,
            multiline: MULTILINE.contains(&self.key.as_str()),
            key: None,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct Enum<A> {
    inner: A,
    multiline: bool,
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Enum<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(Seed {
            seed,
            multiline: false,
            key: None,
        })?;
        Ok((
            value,
            Enum {
                inner: variant,
                multiline: self.multiline,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Enum<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.newtype_variant_seed(Seed {
            seed,
            multiline: self.multiline,
            key: None,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(
            len,
            Wrap {
                v: visitor,
                multiline: self.multiline,
                key: None,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(
            fields,
            Wrap {
                v: visitor,
                multiline: self.multiline,
                key: None,
            },
        )
    }
}
