//! Keeping the bot token out of logs and errors. teloxide's network errors
//! quote the request URL, and the Bot API puts the token in every URL
//! (`…/bot<TOKEN>/SendMessage`), so every error is printed through here.

use std::error::Error;

use jixia::secret::Secret;

/// Prints errors with the token replaced by `***`.
#[derive(Clone)]
pub struct Redactor {
    token: Secret,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor(***)")
    }
}

impl Redactor {
    /// Redacts `token`.
    pub fn new(token: Secret) -> Redactor {
        Redactor { token }
    }

    /// `text` with the token replaced.
    pub fn text(&self, text: &str) -> String {
        let token = self.token.expose();
        if token.is_empty() { text.to_owned() } else { text.replace(token, "***") }
    }

    /// An error and its causes, `: ` apart, with the token replaced.
    pub fn error(&self, e: &(dyn Error + 'static)) -> String {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            if !text.ends_with(&cause_text) {
                text.push_str(": ");
                text.push_str(&cause_text);
            }
            source = cause.source();
        }
        self.text(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("error sending request for url (http://x/bot123:sekrit/GetMe)")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("connection refused to /bot123:sekrit/")]
    struct Inner;

    #[test]
    fn the_token_never_shows() {
        let r = Redactor::new(Secret::new("123:sekrit"));
        let text = r.error(&Outer(Inner));
        assert_eq!(text, "error sending request for url (http://x/bot***/GetMe): connection refused to /bot***/");
        assert!(!format!("{r:?}").contains("sekrit"));
    }
}
