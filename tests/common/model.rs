//! An in-process language model for the engine tests: it answers by a
//! rule the test sets, or fails as told, keeps every request, and each
//! call costs [`COST`] tokens.

use std::sync::{Arc, Mutex};

use jixia::BoxFuture;
use jixia::Engine;
use jixia::config::Config;
use jixia::llm::{ChatRequest, Completion, Llm, LlmError, LlmProvider};

use super::{TestChat, TestDb};

/// Tokens every answered call costs.
pub const COST: i64 = 100;

type Rule = Box<dyn Fn(&ChatRequest) -> String + Send + Sync>;

/// The fake model (`fake-7b`).
pub struct FakeModel {
    rule: Mutex<Rule>,
    fail: Mutex<Option<LlmError>>,
    calls: Mutex<Vec<ChatRequest>>,
}

impl std::fmt::Debug for FakeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FakeModel")
    }
}

impl FakeModel {
    /// A model that answers every request with `rule(request)`.
    pub fn answering(rule: impl Fn(&ChatRequest) -> String + Send + Sync + 'static) -> Arc<FakeModel> {
        Arc::new(FakeModel { rule: Mutex::new(Box::new(rule)), fail: Mutex::default(), calls: Mutex::default() })
    }

    /// From now on it fails with `e` (or answers again, with `None`).
    pub fn fail(&self, e: Option<LlmError>) {
        *self.fail.lock().unwrap_or_else(|e| e.into_inner()) = e;
    }

    /// From now on it answers with `rule`.
    pub fn answer(&self, rule: impl Fn(&ChatRequest) -> String + Send + Sync + 'static) {
        *self.rule.lock().unwrap_or_else(|e| e.into_inner()) = Box::new(rule);
    }

    /// Every request it was sent.
    pub fn calls(&self) -> Vec<ChatRequest> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl LlmProvider for FakeModel {
    fn model(&self) -> &str {
        "fake-7b"
    }

    fn complete<'a>(&'a self, req: &'a ChatRequest) -> BoxFuture<'a, Result<Completion, LlmError>> {
        Box::pin(async move {
            self.calls.lock().unwrap_or_else(|e| e.into_inner()).push(req.clone());
            if let Some(e) = self.fail.lock().unwrap_or_else(|e| e.into_inner()).clone() {
                return Err(e);
            }
            let text = (self.rule.lock().unwrap_or_else(|e| e.into_inner()))(req);
            Ok(Completion { text, tokens: COST })
        })
    }
}

/// A conversation whose engine has `model` (switch `[llm] enabled` on in
/// `config` for it to be used).
pub fn chat_with_model(db: TestDb, config: &Config, model: &Arc<FakeModel>) -> TestChat {
    let mut chat = TestChat::new(db, config);
    let mut engine = Engine::new(&super::with_test_chats(config), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let provider: Arc<dyn LlmProvider> = model.clone();
    engine.provide(Arc::new(Llm::new(provider)));
    chat.engine = Arc::new(engine);
    chat
}
