//! The feature's in-memory state: each post's matching document (its words
//! tokenized once), cached by post and last change, so a search or a fanout
//! does not run the Chinese segmenter over every listed post again. A miss
//! rebuilds, so correctness never depends on the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use crate::features::hiring::matcher::PostDoc;
use crate::features::hiring::store::Post;

/// Documents cached at most (the cache starts over beyond it).
const MAX_DOCS: usize = 20_000;

/// A cached document and the post change it was built from.
type Entry = (DateTime<Utc>, Arc<PostDoc>);

/// Post documents by post row id.
#[derive(Debug, Default)]
pub struct Docs {
    cache: Mutex<HashMap<i64, Entry>>,
}

impl Docs {
    /// The document of `post`, from the cache when it is current.
    pub fn of(&self, post: &Post) -> Arc<PostDoc> {
        {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((at, doc)) = cache.get(&post.id)
                && *at == post.updated_at
            {
                return doc.clone();
            }
        }
        let doc = Arc::new(build(post));
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= MAX_DOCS {
            cache.clear();
        }
        cache.insert(post.id, (post.updated_at, doc.clone()));
        doc
    }
}

/// A post's document, uncached.
pub fn build(post: &Post) -> PostDoc {
    PostDoc::new(&post.title, post.company.as_deref(), &post.tags, &post.description, &post.location, post.salary)
}
