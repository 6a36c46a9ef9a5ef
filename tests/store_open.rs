//! Opening databases the way operators get it wrong: clear errors, no panics,
//! nothing lost; and data that survives a reopen.

mod common;

use jixia::Platform;
use jixia::secret::DbUrl;
use jixia::store::scratch::ScratchFile;
use jixia::store::{self, StoreError};

#[tokio::test]
async fn missing_directory_is_named() {
    let err = store::open(&DbUrl::new("/nonexistent-jixia-dir/x.db"), &Default::default()).await;
    match err {
        Err(StoreError::Open { reason, .. }) => assert!(reason.contains("/nonexistent-jixia-dir"), "{reason}"),
        other => panic!("expected an open error, got {other:?}"),
    }
}

#[tokio::test]
async fn read_only_file_is_refused_and_untouched() {
    let file = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
    let s = store::open(file.url(), &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    s.members()
        .member_for_account("default", Platform::Console, "me", "me", common::t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.close().await;
    let path = file.dir().join("jixia.db");
    let before = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut perms = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{e}")).permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap_or_else(|e| panic!("{e}"));
    match store::open(file.url(), &Default::default()).await {
        Err(e @ StoreError::ReadOnly { .. }) => assert!(e.to_string().contains("read-only"), "{e}"),
        other => panic!("expected read-only, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap_or_default(), before, "the file is unchanged");
}

#[tokio::test]
async fn a_file_that_is_not_a_database() {
    let file = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(file.dir().join("jixia.db"), "this is a shopping list, not a database\n".repeat(100))
        .unwrap_or_else(|e| panic!("{e}"));
    match store::open(file.url(), &Default::default()).await {
        Err(e @ StoreError::Open { .. }) => assert!(e.to_string().contains("not a SQLite database"), "{e}"),
        other => panic!("expected an open error, got {other:?}"),
    }
}

#[tokio::test]
async fn unreachable_postgres_fails_without_showing_the_password() {
    let url = DbUrl::new("postgres://jixia:hunter2@127.0.0.1:1/jixia");
    let config = jixia::store::StoreOptions { connect_timeout_ms: 500, ..Default::default() };
    match store::open(&url, &config).await {
        Err(e) => {
            let shown = format!("{e} {e:?}");
            assert!(shown.contains("127.0.0.1:1"), "{shown}");
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        Ok(_) => panic!("nothing listens on port 1"),
    }
}

#[tokio::test]
async fn data_survives_reopen_and_migrations_run_once() {
    let file = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
    let s = store::open(file.url(), &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    let alice = s
        .members()
        .member_for_account("default", Platform::Telegram, "1", "Alice", common::t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.close().await;
    let s = store::open(file.url(), &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    let again = s
        .members()
        .find_account("default", Platform::Telegram, "1")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|m| m.id);
    assert_eq!(again, Some(alice.id));
}

#[tokio::test]
async fn sqlite_url_forms_are_accepted() {
    let file = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
    let path = file.dir().join("forms.db").display().to_string();
    for url in [format!("sqlite://{path}"), format!("sqlite:{path}"), "sqlite::memory:".to_owned()] {
        let s = store::open(&DbUrl::new(url.clone()), &Default::default()).await;
        assert!(s.is_ok(), "{url}: {:?}", s.err());
    }
}
