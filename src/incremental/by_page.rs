//! A map by page (key and language) that the Markdown and render memos keep their results in.

use crate::model::Page;
use std::collections::HashMap;
use std::hash::Hasher;

/// A map by page (its key and language), read with the page's own strings: looking a page up
/// copies nothing, and keeping a build's pages copies the strings only of a page not kept
/// before (a rebuild of a large site keeps nearly every page it kept).
pub(crate) struct ByPage<V> {
    /// By the FNV hash of the key and language; each entry with the build that last kept it.
    map: HashMap<u64, Vec<Kept<V>>, crate::hash::FnvBuild>,
    len: usize,
    build: u64,
}

/// A page's key and language, its value, and the build that kept it.
type Kept<V> = (String, String, V, u64);

impl<V> Default for ByPage<V> {
    fn default() -> Self {
        ByPage {
            map: HashMap::default(),
            len: 0,
            build: 0,
        }
    }
}

impl<V> ByPage<V> {
    fn id(key: &str, lang: &str) -> u64 {
        let mut hash = crate::hash::Fnv64::default();
        hash.write(key.as_bytes());
        hash.write_u8(0xff);
        hash.write(lang.as_bytes());
        hash.finish()
    }

    pub(crate) fn get(&self, page: &Page) -> Option<&V> {
        let entries = self.map.get(&Self::id(&page.key, &page.lang))?;
        let entry = entries.iter().find(|e| e.0 == page.key && e.1 == page.lang);
        entry.map(|e| &e.2)
    }

    /// Keeps these pages' values, and only these pages' (a deleted page's go).
    pub(crate) fn keep<'a>(&mut self, made: impl IntoIterator<Item = (&'a Page, V)>) {
        self.build += 1;
        let build = self.build;
        let mut given = 0;
        for (page, value) in made {
            given += 1;
            let entries = self.map.entry(Self::id(&page.key, &page.lang)).or_default();
            match entries
                .iter_mut()
                .find(|e| e.0 == page.key && e.1 == page.lang)
            {
                Some(entry) => (entry.2, entry.3) = (value, build),
                None => {
                    entries.push((page.key.clone(), page.lang.clone(), value, build));
                    self.len += 1;
                }
            }
        }
        if self.len > given {
            self.map.retain(|_, entries| {
                entries.retain(|e| e.3 == build);
                !entries.is_empty()
            });
            self.len = self.map.values().map(Vec::len).sum();
        }
    }
}
