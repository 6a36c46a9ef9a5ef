//! The FAQ's section of a digest: entries added in the period, and the
//! entries members were pointed to most in it.

use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::i18n::Args;
use crate::rich::RichText;

/// The section.
pub fn render<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let store = d.engine.store().faq();
        let new = store.faq_new_since(&d.community.id, d.since, d.top).await?;
        let top = store.faq_top_since(&d.community.id, d.since, d.top).await?;
        if new.is_empty() && top.is_empty() {
            return Ok(None);
        }
        let mut body = RichText::default();
        if !new.is_empty() {
            body.append(d.text("digest-faq-new", &Args::new().num("count", new.len() as i64)));
            let lines: Vec<String> = new
                .into_iter()
                .map(|(id, question)| {
                    d.text("digest-faq-line", &Args::new().str("id", id).str("question", question)).to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
        }
        if !top.is_empty() {
            body.append(d.text("digest-faq-top", &Args::new()));
            let lines: Vec<String> = top
                .into_iter()
                .map(|(id, question, n)| {
                    d.text("digest-faq-top-line", &Args::new().str("id", id).str("question", question).num("times", n))
                        .to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
        }
        Ok(Some(body))
    })
}
