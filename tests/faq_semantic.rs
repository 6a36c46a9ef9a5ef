//! FAQ redirection with the optional semantic matcher, as a group lives it:
//! an in-process embedder whose vectors each test chooses (the HTTP client
//! is tested against a local server in the bots crate) re-ranks the lexical
//! candidates, adds an entry the words missed, stays silent below its
//! threshold; entry vectors are made once, in the background, and again
//! only for an edited entry (another instance reads them from the store);
//! a failing or slow endpoint leaves matching lexical with one warning and
//! one line when it works again; a message that is not a question never
//! reaches the embedder. Every case runs on SQLite and on PostgreSQL.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use common::cast::{alice, bob, group};
use common::{TestChat, TestDb, Who, only};
use jixia::BoxFuture;
use jixia::Engine;
use jixia::config::Config;
use jixia::features::faq::semantic::HealthCounts;
use jixia::features::faq::{EmbedError, Embedder, FaqServices, FaqState};

const VERSION: &str = "How do I check which PostgreSQL version I am running?";
const LATEST: &str = "What is the latest release of PostgreSQL?";
const GUI: &str = "Is there a graphical administration tool for PostgreSQL?";
const BACKUP: &str = "怎么备份数据库？";

/// Vectors of five values: one axis per entry, the fifth for anything else.
fn axis(i: usize) -> Vec<f32> {
    let mut v = vec![0.0; 5];
    v[i] = 1.0;
    v
}

/// The embedder: the test's vectors by text (anything else on the fifth
/// axis), every text it was asked for, and a failure or a delay on demand.
#[derive(Debug, Default)]
struct FakeEmbedder {
    vectors: Mutex<HashMap<String, Vec<f32>>>,
    asked: Mutex<Vec<String>>,
    calls: Mutex<usize>,
    failing: Mutex<Option<EmbedError>>,
    delay_ms: Mutex<u64>,
}

impl FakeEmbedder {
    fn new() -> Arc<FakeEmbedder> {
        let fake = FakeEmbedder::default();
        for (i, text) in [VERSION, LATEST, GUI, BACKUP].into_iter().enumerate() {
            fake.set(text, axis(i));
        }
        Arc::new(fake)
    }

    fn set(&self, text: &str, v: Vec<f32>) {
        self.vectors.lock().unwrap_or_else(|e| e.into_inner()).insert(text.to_owned(), v);
    }

    fn fail(&self, e: Option<EmbedError>) {
        *self.failing.lock().unwrap_or_else(|e| e.into_inner()) = e;
    }

    /// The texts asked for since the last look.
    fn asked(&self) -> Vec<String> {
        std::mem::take(&mut *self.asked.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn calls(&self) -> usize {
        *self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Embedder for FakeEmbedder {
    fn model(&self) -> &str {
        "fake-embed"
    }

    fn embed<'a>(&'a self, texts: &'a [String]) -> BoxFuture<'a, Result<Vec<Vec<f32>>, EmbedError>> {
        Box::pin(async move {
            *self.calls.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            let delay = *self.delay_ms.lock().unwrap_or_else(|e| e.into_inner());
            if delay > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            }
            if let Some(e) = self.failing.lock().unwrap_or_else(|e| e.into_inner()).clone() {
                return Err(e);
            }
            self.asked.lock().unwrap_or_else(|e| e.into_inner()).extend(texts.iter().cloned());
            let vectors = self.vectors.lock().unwrap_or_else(|e| e.into_inner());
            Ok(texts.iter().map(|t| vectors.get(t).cloned().unwrap_or_else(|| axis(4))).collect())
        })
    }
}

fn mo() -> Who {
    Who::telegram("9", "Mo").as_admin()
}

fn semantic_config() -> Config {
    let mut config = Config::default();
    config.features.faq.semantic.enabled = true;
    config.features.faq.semantic.threshold = 0.8;
    config.features.faq.semantic.weight = 0.5;
    config.features.faq.semantic.retry_secs = 60;
    config
}

fn engine_with(chat: &TestChat, config: &Config, embedder: &Arc<FakeEmbedder>) -> Arc<Engine> {
    let mut engine = Engine::new(&common::with_test_chats(config), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let embedder: Arc<dyn Embedder> = embedder.clone();
    engine.provide(Arc::new(FaqServices { embedder: Some(embedder) }));
    Arc::new(engine)
}

/// The group's FAQ (four entries, added by Mo) on an engine embedding
/// through `embedder`, its entry vectors made.
async fn with_faq(db: TestDb, config: &Config, embedder: &Arc<FakeEmbedder>) -> TestChat {
    let mut chat = TestChat::new(db, config);
    chat.engine = engine_with(&chat, config, embedder);
    for (id, q, a) in [
        ("version", VERSION, "Run SELECT version();"),
        ("latest", LATEST, "See the versioning policy page: the newest major version and its minor releases."),
        ("gui", GUI, "pgAdmin is the usual one; DBeaver works too."),
        ("backup", BACKUP, "逻辑备份用 pg_dump，物理备份用 pg_basebackup。"),
    ] {
        let out = only(&chat.say(&group(), &mo(), &format!("/faq add {id} {q}\n{a}")).await);
        assert!(out.starts_with("已添加"), "{out}");
    }
    // The first question starts the entries' embedding in the background
    // (it is matched lexically meanwhile).
    chat.say(&group(), &bob(), "今天吃什么？").await;
    settled(&chat).await;
    chat.clock.advance(Duration::minutes(30));
    chat
}

async fn settled(chat: &TestChat) {
    state(chat).semantic.settled().await;
}

fn state(chat: &TestChat) -> &FaqState {
    chat.engine.state::<FaqState>().unwrap_or_else(|| panic!("faq state"))
}

fn health(chat: &TestChat) -> HealthCounts {
    state(chat).semantic.health_counts()
}

both_backends!(
    the_meaning_reranks_the_lexical_choice,
    an_entry_the_words_missed_is_added_above_the_threshold,
    entry_vectors_are_made_once_and_again_only_when_edited,
    a_failing_endpoint_leaves_matching_lexical_with_one_warning,
    a_slow_endpoint_is_not_waited_for,
    chat_that_is_not_a_question_never_reaches_the_embedder,
);

async fn the_meaning_reranks_the_lexical_choice(db: TestDb) {
    let fake = FakeEmbedder::new();
    let mut chat = with_faq(db, &semantic_config(), &fake).await;
    let asked = "how do I check which version is current?";
    // Without the endpoint, the words pick the version entry…
    fake.fail(Some(EmbedError::Status(503)));
    chat.clock.advance(Duration::minutes(2));
    let lexical = only(&chat.say(&group(), &alice(), asked).await);
    assert!(lexical.contains(VERSION), "{lexical}");
    // …its meaning is the latest release.
    fake.fail(None);
    fake.set(asked, vec![0.15, 0.98, 0.0, 0.0, 0.1]);
    chat.clock.advance(Duration::minutes(15));
    let reranked = only(&chat.say(&group(), &bob(), asked).await);
    assert!(reranked.contains(LATEST) && reranked.contains("/faq latest"), "{reranked}");
    assert_eq!(health(&chat), HealthCounts { warnings: 1, recoveries: 1 });
}

async fn an_entry_the_words_missed_is_added_above_the_threshold(db: TestDb) {
    let fake = FakeEmbedder::new();
    let mut chat = with_faq(db, &semantic_config(), &fake).await;
    let clicky = "any point-and-click thing to manage my db?";
    // Its words share nothing with any entry: silent without meaning.
    fake.set(clicky, axis(4));
    assert!(chat.say(&group(), &alice(), clicky).await.is_empty());
    // Close to the GUI entry (cosine 0.99): redirected there.
    fake.set(clicky, vec![0.0, 0.0, 0.9, 0.0, 0.1]);
    let out = only(&chat.say(&group(), &bob(), clicky).await);
    assert!(out.contains(GUI) && out.contains("pgAdmin"), "{out}");
    // Below the threshold (cosine 0.70): silent.
    let lunch = "is there anything good for lunch around the office?";
    fake.set(lunch, vec![0.0, 0.0, 0.7, 0.0, 0.714]);
    assert!(chat.say(&group(), &alice(), lunch).await.is_empty());
    // Members said the GUI entry does not answer it: learnt at once.
    chat.clock.advance(Duration::minutes(11));
    let again = only(&chat.say(&group(), &alice(), clicky).await);
    assert!(again.contains(GUI), "{again}");
    let noted = only(&chat.say(&group(), &alice(), "没用").await);
    assert!(noted.contains("gui"), "{noted}");
    chat.clock.advance(Duration::minutes(11));
    assert!(chat.say(&group(), &bob(), clicky).await.is_empty(), "vetoed by the negative example");
}

async fn entry_vectors_are_made_once_and_again_only_when_edited(db: TestDb) {
    let fake = FakeEmbedder::new();
    let config = semantic_config();
    let mut chat = with_faq(db, &config, &fake).await;
    let mut made = fake.asked();
    made.sort();
    let mut want = vec![VERSION, LATEST, GUI, BACKUP];
    want.sort();
    assert_eq!(made, want, "each entry once (the question that started it was matched lexically)");
    // Questions embed the question only.
    chat.say(&group(), &alice(), "is there a GUI for postgres?").await;
    settled(&chat).await;
    assert_eq!(fake.asked(), vec!["is there a GUI for postgres?".to_owned()]);
    // Mo edits one entry: that one is embedded again, nothing else.
    let edited = "What is the newest PostgreSQL release?";
    let out = only(&chat.say(&group(), &mo(), &format!("/faq edit latest {edited}\nSee the versioning policy.")).await);
    assert!(out.contains("latest"), "{out}");
    fake.set(edited, axis(1));
    chat.say(&group(), &alice(), "怎么备份？").await;
    settled(&chat).await;
    let mut made = fake.asked();
    made.sort();
    assert_eq!(made, vec![edited.to_owned(), "怎么备份？".to_owned()]);
    // Another instance on the same database reads the stored vectors.
    let other = engine_with(&chat, &config, &fake);
    let ask = jixia::Incoming::text(group(), bob().sender(), "900".to_owned(), "怎么备份？", chat.engine.now());
    other.handle(&ask).await;
    other.state::<FaqState>().unwrap_or_else(|| panic!("state")).semantic.settled().await;
    assert_eq!(fake.asked(), Vec::<String>::new(), "no entry embedded again");
    // Removed with its entry: nothing is embedded for it.
    let out = only(&chat.say(&group(), &mo(), "/faq remove gui").await);
    assert!(out.contains("gui"), "{out}");
    let left = chat.db.store.faq().faq_embeddings("default", "fake-embed", None).await;
    let left: Vec<String> = left.unwrap_or_else(|e| panic!("{e}")).into_iter().map(|v| v.entry_id).collect();
    assert_eq!(left, vec!["backup", "latest", "version"]);
    // Stopping (before the store closes): no entry is embedded any more.
    jixia::features::faq::stop(&chat.engine).await;
    only(&chat.say(&group(), &mo(), "/faq edit version Which version am I on?\nSELECT version();").await);
    chat.say(&group(), &alice(), "怎么备份？").await;
    settled(&chat).await;
    assert!(!fake.asked().contains(&"Which version am I on?".to_owned()));
}

async fn a_failing_endpoint_leaves_matching_lexical_with_one_warning(db: TestDb) {
    let fake = FakeEmbedder::new();
    let mut chat = with_faq(db, &semantic_config(), &fake).await;
    let clicky = "any point-and-click thing to manage my db?";
    fake.set(clicky, vec![0.0, 0.0, 0.9, 0.0, 0.1]);
    fake.fail(Some(EmbedError::Network("connection refused".into())));
    let calls = fake.calls();
    // Lexical answers go on; the semantic one is not there.
    let out = only(&chat.say(&group(), &alice(), "how do I check which postgresql version I run?").await);
    assert!(out.contains(VERSION), "{out}");
    assert!(chat.say(&group(), &bob(), clicky).await.is_empty());
    chat.clock.advance(Duration::seconds(30));
    assert!(chat.say(&group(), &alice(), "怎么备份数据库？").await.len() == 1);
    assert_eq!(fake.calls(), calls + 1, "within retry_secs the endpoint is not asked again");
    assert_eq!(health(&chat), HealthCounts { warnings: 1, recoveries: 0 });
    // Still failing after retry_secs: asked once more, not warned again.
    fake.fail(Some(EmbedError::Status(500)));
    chat.clock.advance(Duration::seconds(31));
    assert!(chat.say(&group(), &bob(), clicky).await.is_empty());
    assert_eq!(fake.calls(), calls + 2);
    assert_eq!(health(&chat), HealthCounts { warnings: 1, recoveries: 0 });
    // It works again: said once, and the meaning counts again.
    fake.fail(None);
    chat.clock.advance(Duration::seconds(61));
    let out = only(&chat.say(&group(), &bob(), clicky).await);
    assert!(out.contains(GUI), "{out}");
    chat.say(&group(), &alice(), "is there a GUI for postgres?").await;
    assert_eq!(health(&chat), HealthCounts { warnings: 1, recoveries: 1 });
}

async fn a_slow_endpoint_is_not_waited_for(db: TestDb) {
    let fake = FakeEmbedder::new();
    let mut config = semantic_config();
    config.features.faq.semantic.timeout_ms = 100;
    let mut chat = with_faq(db, &config, &fake).await;
    *fake.delay_ms.lock().unwrap_or_else(|e| e.into_inner()) = 5_000;
    let started = std::time::Instant::now();
    let out = only(&chat.say(&group(), &alice(), "how do I check which postgresql version I run?").await);
    assert!(out.contains(VERSION), "{out}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "waited {:?}", started.elapsed());
    assert_eq!(health(&chat), HealthCounts { warnings: 1, recoveries: 0 });
}

async fn chat_that_is_not_a_question_never_reaches_the_embedder(db: TestDb) {
    let fake = FakeEmbedder::new();
    let mut chat = with_faq(db, &semantic_config(), &fake).await;
    let calls = fake.calls();
    for text in ["昨天备份了数据库，挺顺利", "pgAdmin is nice", "ok", "/faq gui"] {
        chat.say(&group(), &alice(), text).await;
    }
    settled(&chat).await;
    assert_eq!(fake.calls(), calls, "{:?}", fake.asked());
    // A community that does not enable it: questions do not reach it either.
    let mut off = semantic_config();
    off.features.faq.semantic.enabled = false;
    let engine = engine_with(&chat, &off, &fake);
    let ask = jixia::Incoming::text(group(), bob().sender(), "901".to_owned(), "is there a GUI?", chat.engine.now());
    engine.handle(&ask).await;
    assert_eq!(fake.calls(), calls);
}

/// `jixia faq eval` with vectors recorded from an endpoint: the semantic
/// figures next to the lexical ones, and a text missing from the
/// recording is an error that names it.
#[tokio::test]
async fn the_evaluation_measures_semantic_matching_with_recorded_vectors() {
    use jixia::features::faq::FaqConfig;
    use jixia::features::faq::eval::{EvalFailed, RecordedVectors, eval_sets, eval_sets_with};
    let faq = format!(
        "{}\n{}\n",
        serde_json::json!({ "id": "gui", "lang": "en", "question": GUI, "answer": "pgAdmin." }),
        serde_json::json!({ "id": "version", "lang": "en", "question": VERSION, "answer": "SELECT version();" }),
    );
    let clicky = "any point-and-click thing to manage my db?";
    let lunch = "is there anything good for lunch around the office?";
    let queries = format!(
        "{}\n{}\n",
        serde_json::json!({ "text": clicky, "faq_id": "gui", "lang": "en" }),
        serde_json::json!({ "text": lunch, "faq_id": null, "lang": "en" }),
    );
    let recorded = [
        RecordedVectors::line(GUI, &[0.0, 1.0, 0.0]),
        RecordedVectors::line(VERSION, &[1.0, 0.0, 0.0]),
        RecordedVectors::line(clicky, &[0.0, 0.95, 0.1]),
        RecordedVectors::line(lunch, &[0.0, 0.5, 0.86]),
    ]
    .join("\n");
    let vectors = RecordedVectors::parse(&recorded).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(vectors.len(), 4);
    let config = FaqConfig::default();
    let (_, lexical) = eval_sets(faq.as_bytes(), &[&queries], &config).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lexical.en.correct_redirect_rate, 0.0);
    let (_, semantic) =
        eval_sets_with(faq.as_bytes(), &[&queries], &config, Some(&vectors)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(semantic.en.correct_redirect_rate, 1.0);
    assert_eq!(semantic.en.false_redirect_rate, 0.0);
    assert_eq!(semantic.en.precision, 1.0);
    let partial =
        RecordedVectors::parse(&RecordedVectors::line(GUI, &[0.0, 1.0, 0.0])).unwrap_or_else(|e| panic!("{e}"));
    let failed = eval_sets_with(faq.as_bytes(), &[&queries], &config, Some(&partial)).await;
    assert!(
        matches!(&failed, Err(EvalFailed::Embed(e)) if e.to_string().contains("no vector recorded for")),
        "{failed:?}"
    );
    assert!(RecordedVectors::parse("{\"text\": \"x\"}").is_err_and(|e| e.to_string().contains("line 1")));
}
