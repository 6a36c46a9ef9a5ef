//! The operators' endpoints of `jixia run` (`[http] listen`): `/healthz`
//! answers while the process lives; `/readyz` once the database answers and
//! every enabled adapter is connected; `/metrics` in the Prometheus
//! (OpenMetrics) text format, to the readers `[http] metrics` allows. The
//! counters are the engine's ([`jixia::metrics`]); what the database knows
//! (outbox depth, job states, pool connections) is read when scraped.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jixia::config::{HttpConfig, MetricsAccess};
use jixia::store::jobs::JobState;
use jixia::{Engine, Platform};
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

/// The adapters `/readyz` waits for, and whether each is connected.
static ADAPTERS: Mutex<BTreeMap<&'static str, bool>> = Mutex::new(BTreeMap::new());

/// An enabled adapter: `/readyz` fails until it says it is connected.
pub fn expect(adapter: &'static str) {
    ADAPTERS.lock().unwrap_or_else(PoisonError::into_inner).entry(adapter).or_insert(false);
}

/// An adapter connected (`true`) or lost its connection.
pub fn connected(adapter: &'static str, up: bool) {
    ADAPTERS.lock().unwrap_or_else(PoisonError::into_inner).insert(adapter, up);
}

#[derive(Clone)]
struct Ops {
    engine: Arc<Engine>,
    metrics: MetricsAccess,
}

/// The endpoints, to serve on their own listener ([`serve`]) or beside the
/// Telegram webhook.
/// With `[dashboard] enabled`, the moderators' dashboard is served under
/// `/dashboard` on the same listener ([`crate::dashboard`]).
pub fn router(engine: Arc<Engine>, config: &HttpConfig) -> Router {
    let ops = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(Ops { engine: engine.clone(), metrics: config.metrics });
    if engine.config().dashboard.enabled { ops.merge(crate::dashboard::router(engine)) } else { ops }
}

/// Serves `router` on `listen` until `stop`; peers' addresses are kept
/// (`/metrics` for local readers only).
pub async fn serve(
    listen: &str,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {listen} ([http] listen): {e}")))?;
    tracing::info!(listen, "operators' endpoints serving: /healthz /readyz /metrics (and /dashboard when enabled)");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(stop).await
}

async fn readyz(State(ops): State<Ops>) -> (StatusCode, String) {
    let mut waiting: Vec<String> = ADAPTERS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|(_, up)| !**up)
        .map(|(name, _)| format!("{name}: not connected"))
        .collect();
    if !ops.engine.store().ping().await {
        waiting.insert(0, "database: not answering".into());
    }
    if waiting.is_empty() {
        (StatusCode::OK, "ready\n".into())
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, waiting.join("\n") + "\n")
    }
}

async fn metrics(State(ops): State<Ops>, request: Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    match ops.metrics {
        MetricsAccess::Off => return StatusCode::NOT_FOUND.into_response(),
        MetricsAccess::Local if !peer.is_some_and(|ip| ip.is_loopback()) => {
            return (StatusCode::FORBIDDEN, "metrics are for local readers ([http] metrics = \"local\")\n")
                .into_response();
        }
        _ => {}
    }
    match scrape(&ops.engine).await {
        Ok(body) => ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body)
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics: could not read the database");
            (StatusCode::SERVICE_UNAVAILABLE, "the database did not answer\n").into_response()
        }
    }
}

/// What the database knows at scrape time.
#[derive(Debug, Default)]
struct Stored {
    outbox: Vec<(String, String, i64)>,
    jobs: Vec<(String, String, i64)>,
    pools: Vec<(&'static str, u32, usize)>,
}

/// Every metric, encoded.
async fn scrape(engine: &Engine) -> Result<String, jixia::store::StoreError> {
    let store = engine.store();
    // Every platform and state, and every job kind and state, is shown,
    // zero when the database has none (as Prometheus wants a series).
    let mut outbox: BTreeMap<(String, String), i64> = BTreeMap::new();
    for platform in Platform::ALL {
        for state in ["pending", "sending", "sent", "failed"] {
            outbox.insert((platform.as_str().to_owned(), state.to_owned()), 0);
        }
    }
    for (platform, state, n) in store.jobs().outbox_counts().await? {
        outbox.insert((platform, state), n);
    }
    let mut jobs: BTreeMap<(String, String), i64> = BTreeMap::new();
    for kind in engine.job_kinds() {
        for state in [JobState::Pending, JobState::Running, JobState::Done, JobState::Failed] {
            jobs.insert((kind.name.to_owned(), state.as_str().to_owned()), 0);
        }
    }
    for c in store.queue_admin().job_counts().await? {
        *jobs.entry((c.kind, c.state.as_str().to_owned())).or_default() += c.jobs;
    }
    let stored = Stored {
        outbox: outbox.into_iter().map(|((p, s), n)| (p, s, n)).collect(),
        jobs: jobs.into_iter().map(|((k, s), n)| (k, s, n)).collect(),
        pools: store.pool_connections().to_vec(),
    };
    let mut registry = Registry::default();
    registry.register_collector(Box::new(Collected { counters: jixia::metrics::metrics().snapshot(), stored }));
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &registry)
        .map_err(|e| jixia::store::StoreError::Corrupt(format!("encoding metrics: {e}")))?;
    Ok(out)
}

#[derive(Debug)]
struct Collected {
    counters: jixia::metrics::Snapshot,
    stored: Stored,
}

impl prometheus_client::collector::Collector for Collected {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let c = &self.counters;
        {
            let mut m = encoder.encode_descriptor(
                "jixia_messages",
                "Messages handled, by platform and kind",
                None,
                MetricType::Counter,
            )?;
            for (platform, kind, n) in &c.messages {
                ConstCounter::new(*n)
                    .encode(m.encode_family(&[("platform", platform.as_str()), ("kind", kind.as_str())])?)?;
            }
        }
        {
            let mut m = encoder.encode_descriptor(
                "jixia_command_seconds",
                "How long commands took, by command",
                None,
                MetricType::Histogram,
            )?;
            for t in &c.commands {
                m.encode_family(&[("command", t.command.as_str())])?
                    .encode_histogram::<prometheus_client::encoding::NoLabelSet>(
                        t.sum_secs, t.count, &t.buckets, None,
                    )?;
            }
        }
        ConstCounter::new(c.redirects).encode(encoder.encode_descriptor(
            "jixia_faq_redirects",
            "Questions the FAQ redirected",
            None,
            MetricType::Counter,
        )?)?;
        {
            let mut m = encoder.encode_descriptor(
                "jixia_ledger_movements",
                "Points movements applied, by kind",
                None,
                MetricType::Counter,
            )?;
            for (kind, n) in &c.movements {
                ConstCounter::new(*n).encode(m.encode_family(&[("kind", *kind)])?)?;
            }
        }
        for (name, help, by_platform) in [
            ("jixia_send_errors", "Delivery attempts that failed, by platform", &c.send_errors),
            ("jixia_rate_limited", "429 (too many requests) answers from a platform", &c.rate_limited),
        ] {
            let mut m = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            for (platform, n) in by_platform {
                ConstCounter::new(*n).encode(m.encode_family(&[("platform", platform.as_str())])?)?;
            }
        }
        {
            let mut m = encoder.encode_descriptor(
                "jixia_outbox_messages",
                "Messages in the outbox, by platform and state",
                None,
                MetricType::Gauge,
            )?;
            for (platform, state, n) in &self.stored.outbox {
                ConstGauge::new(*n)
                    .encode(m.encode_family(&[("platform", platform.as_str()), ("state", state.as_str())])?)?;
            }
        }
        {
            let mut m = encoder.encode_descriptor(
                "jixia_jobs",
                "Scheduled jobs, by kind and state",
                None,
                MetricType::Gauge,
            )?;
            for (kind, state, n) in &self.stored.jobs {
                ConstGauge::new(*n).encode(m.encode_family(&[("kind", kind.as_str()), ("state", state.as_str())])?)?;
            }
        }
        {
            let mut m = encoder.encode_descriptor(
                "jixia_db_connections",
                "Database pool connections, by pool and state (busy ones are in use; none idle means callers wait)",
                None,
                MetricType::Gauge,
            )?;
            for (pool, open, idle) in &self.stored.pools {
                let idle = i64::try_from(*idle).unwrap_or(i64::MAX);
                let busy = i64::from(*open) - idle;
                ConstGauge::new(idle).encode(m.encode_family(&[("pool", *pool), ("state", "idle")])?)?;
                ConstGauge::new(busy.max(0)).encode(m.encode_family(&[("pool", *pool), ("state", "busy")])?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    use jixia::clock::SystemClock;
    use jixia::config::{Config, HttpConfig, MetricsAccess};
    use jixia::store::scratch::ScratchFile;
    use tower::ServiceExt;

    /// `local` serves a reader on this machine and refuses any other, or
    /// one whose address is unknown; `public` serves anyone.
    #[tokio::test]
    async fn who_may_read_the_metrics() {
        let file = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
        let store = jixia::store::open(file.url(), &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
        let engine = Arc::new(
            jixia::Engine::new(&Config::default(), store, Arc::new(SystemClock)).unwrap_or_else(|e| panic!("{e}")),
        );
        let status = |access: MetricsAccess, peer: Option<[u8; 4]>| {
            let app = super::router(engine.clone(), &HttpConfig { listen: String::new(), metrics: access });
            let mut request = Request::get("/metrics").body(Body::empty()).unwrap_or_else(|e| panic!("{e}"));
            if let Some(ip) = peer {
                request.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
            }
            async move { app.oneshot(request).await.map(|r| r.status().as_u16()).unwrap_or_default() }
        };
        assert_eq!(status(MetricsAccess::Local, Some([127, 0, 0, 1])).await, 200);
        assert_eq!(status(MetricsAccess::Local, Some([192, 0, 2, 7])).await, 403);
        assert_eq!(status(MetricsAccess::Local, None).await, 403);
        assert_eq!(status(MetricsAccess::Public, Some([192, 0, 2, 7])).await, 200);
        assert_eq!(status(MetricsAccess::Off, Some([127, 0, 0, 1])).await, 404);
    }
}
