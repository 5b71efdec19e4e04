//! [`Ctx`]: what every page family renders with: the site, its [`Index`], and the views made
//! once and shared by many pages (the site's header, department links, cards).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use tera::Context;

use crate::document::Kind;
use crate::site::{Index, Page, Site, base_path};

use super::view::{Link, SiteView, TitledUrl};

/// The site and its indexes, borrowed, plus views made once.
pub struct Ctx<'a> {
    pub site: &'a Site,
    pub index: Index<'a>,
    /// The site's base path (`/pingyi` under a sub-folder, else empty), before every URL.
    pub base: String,
    /// Serialised once: every page shows it, and a Tera value clones by reference count.
    site_view: tera::Value,
    /// Each department's link, made once: cards and ledger rows show them many times over.
    dept_links: HashMap<&'a str, Link>,
    /// The same, as Tera values.
    dept_values: HashMap<&'a str, tera::Value>,
    /// Per page: `{title, url}` as a Tera value, made when first needed.
    doc_values: Vec<OnceLock<tera::Value>>,
    /// Each page's card, made once when first shown: a document appears in lists, on tag
    /// pages and in other documents' related lists. A Tera value clones by reference count.
    cards: Vec<OnceLock<tera::Value>>,
    /// Page address → index in `site.pages`, to find a page's card.
    pub(super) page_index: rustc_hash::FxHashMap<usize, usize>,
    /// The search index's cache, in a build a later build continues (watch).
    pub search: Option<std::sync::Mutex<crate::search::Cache>>,
}

impl<'a> Ctx<'a> {
    pub fn new(site: &'a Site) -> Ctx<'a> {
        let base = base_path(&site.config.base_url);
        let c = &site.config;
        // The home page, the kinds that are columns (the kind table), then the site's indexes.
        let columns = crate::kind::in_nav()
            .into_iter()
            .map(|k| (k.label, format!("/{}/", k.plural)));
        let nav = std::iter::once(("首页", "/".to_string()))
            .chain(columns)
            .chain(
                [
                    ("整改台账", "/rectification-tracker/"),
                    ("受评部门", "/departments/"),
                    ("历年归档", "/archive/"),
                ]
                .map(|(t, u)| (t, u.to_string())),
            )
            .map(|(t, u)| Link {
                title: t.into(),
                url: format!("{base}{u}"),
            })
            .collect();
        let site_view = SiteView {
            title: &c.title,
            base_url: &c.base_url,
            base_path: base.clone(),
            domain: c.domain(),
            description: c.description.as_deref(),
            language: &c.language,
            organizer: c.organizer.as_deref(),
            operator: c.operator.as_deref(),
            site_code: c.site_code.as_deref(),
            icp: c.icp.as_deref(),
            police_record: c.police_record.as_deref(),
            contact: &c.contact,
            gov_badge: c.gov_badge.as_ref(),
            pages: site
                .of_kind(Kind::Page)
                .map(|p| Link {
                    title: p.doc.title.clone(),
                    url: format!("{base}{}", p.url()),
                })
                .collect(),
            nav,
            feed_url: format!("{base}/feed.xml"),
            today: site.today.to_string(),
        };
        let dept_links = c
            .departments
            .iter()
            .map(|d| {
                let link = Link {
                    title: d.name.clone(),
                    url: format!("{base}/departments/{}/", d.id),
                };
                (d.id.as_str(), link)
            })
            .collect::<HashMap<_, _>>();
        let dept_values = dept_links
            .iter()
            .map(|(id, link)| (*id, tera::Value::from_serializable(link)))
            .collect();
        Ctx {
            site,
            index: Index::new(site),
            base,
            site_view: tera::Value::from_serializable(&site_view),
            dept_links,
            dept_values,
            cards: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            doc_values: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            page_index: site
                .pages
                .iter()
                .enumerate()
                .map(|(i, p)| (&**p as *const Page as usize, i))
                .collect(),
            search: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        url
    }

    pub fn dept_link(&self, id: &str) -> Link {
        self.dept_link_ref(id).into_owned()
    }

    /// The department's link, borrowed from those made once when it is in `site.yaml`.
    pub fn dept_link_ref(&self, id: &str) -> Cow<'_, Link> {
        match self.dept_links.get(id) {
            Some(link) => Cow::Borrowed(link),
            // Not in site.yaml: `check` reports it; the page still shows the id.
            None => Cow::Owned(Link {
                title: self.site.config.department_name(id).to_string(),
                url: self.url(&format!("/departments/{id}/")),
            }),
        }
    }

    pub fn dept_value(&self, id: &str) -> tera::Value {
        match self.dept_values.get(id) {
            Some(v) => v.clone(),
            None => tera::Value::from_serializable(&*self.dept_link_ref(id)),
        }
    }

    pub fn doc_value(&self, p: &Page) -> tera::Value {
        let make = || {
            tera::Value::from_serializable(&TitledUrl {
                title: &p.doc.title,
                url: self.url(p.url()),
            })
        };
        match self.page_index.get(&(p as *const Page as usize)) {
            Some(&i) => self.doc_values[i].get_or_init(make).clone(),
            None => make(),
        }
    }

    pub fn doc_link(&self, p: &Page) -> Link {
        Link {
            title: p.doc.title.clone(),
            url: self.url(p.url()),
        }
    }

    /// The card of `p`, a page of this site.
    pub fn card(&self, p: &Page) -> tera::Value {
        let make = || tera::Value::from_serializable(&self.make_card(p));
        match self.page_index.get(&(p as *const Page as usize)) {
            Some(&i) => self.cards[i].get_or_init(make).clone(),
            None => make(),
        }
    }

    /// Pages of a closed year carry `archived_year`: the theme shows a notice.
    pub fn mark_archived(&self, ctx: &mut Context, year: Option<i32>) {
        if let Some(y) = year.filter(|y| self.site.config.archived_years.contains(y)) {
            ctx.insert("archived_year", &y);
        }
    }

    /// A document a preview shows that the public site will not (yet) have carries
    /// `preview_notice`: the theme shows it across the page, so nobody takes it for published.
    pub fn mark_preview(&self, ctx: &mut Context, doc: &crate::document::Document) {
        let notice = if doc.draft {
            Some((
                "草稿",
                "本文带有 draft: true,只在预览中显示,不会发布;写好后删去这一行".to_string(),
            ))
        } else {
            doc.date
                .filter(|d| *d > self.site.today)
                .map(|d| ("定时发布", format!("本文将于 {d} 发布,此前只在预览中显示")))
        };
        if let Some((label, text)) = notice {
            ctx.insert(
                "preview_notice",
                &serde_json::json!({"label": label, "text": text}),
            );
        }
    }

    pub fn base_context(&self, title: &str, url: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_view.clone());
        ctx.insert("page_title", title);
        ctx.insert("current_url", &self.url(url));
        ctx.insert("canonical", &format!("{}{url}", self.site.config.base_url));
        ctx
    }
}
