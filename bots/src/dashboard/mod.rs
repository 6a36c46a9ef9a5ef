//! The moderators' read-only web dashboard, HTTP side: login with a link
//! from `/dashboard` ([`jixia::features::dashboard`] makes and redeems
//! them), a session cookie, and the pages (overview with 12-week
//! sparklines, members, FAQ, shop, jobs and outbox, and an optional public
//! leaderboard), rendered on the server in the member's language, with no
//! script at all. Mounted on the `[http] listen` router by [`crate::ops`]
//! when `[dashboard] enabled`.
//!
//! Every response carries a content security policy that allows no script
//! and no outside resource; every page checks the session's community
//! against the one in its address and that its member still moderates it.

mod html;
mod limit;
mod pages;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jixia::Engine;
use jixia::features::dashboard::{self, Refused, Visitor};
use jixia::i18n::Locale;

use limit::Limiter;

/// The session cookie's name.
pub const COOKIE: &str = "jixia_dashboard";

/// What every dashboard response says about itself: no script, no outside
/// resource (images only as `data:`, for the page's icon, so the browser
/// does not ask for a `/favicon.ico` there is none of), no framing, no
/// sniffing, no referrer.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

#[derive(Clone)]
struct Dash {
    engine: Arc<Engine>,
    limiter: Arc<Limiter>,
}

/// The dashboard's routes, under `/dashboard`.
pub fn router(engine: Arc<Engine>) -> Router {
    let pages = Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/logout", post(logout))
        .route("/{community}", get(overview_redirect))
        .route("/{community}/", get(overview))
        .route("/{community}/{page}", get(page))
        // Nested, this fallback answers only under /dashboard: the
        // operators' and the Telegram webhook's paths stay theirs.
        .fallback(not_found)
        .layer(axum::middleware::map_response(secure_headers))
        .with_state(Dash { engine, limiter: Arc::new(Limiter::default()) });
    Router::new().nest("/dashboard", pages)
}

async fn secure_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One query parameter (`token`, `lang`): its raw value. Neither needs
/// decoding (a token is hexadecimal, a language two letters).
fn query_param<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.uri().query()?.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The language asked for with `?lang=`.
fn asked_lang(request: &Request) -> Option<Locale> {
    query_param(request, "lang").and_then(Locale::parse)
}

/// The language of a page shown to someone not logged in: `?lang=`, else
/// the browser's first choice, else the default community's.
fn visitor_lang(engine: &Engine, request: &Request) -> Locale {
    if let Some(l) = asked_lang(request) {
        return l;
    }
    let accept = request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let first = accept.split(',').next().unwrap_or("").trim().to_ascii_lowercase();
    if first.starts_with("zh") {
        Locale::Zh
    } else if first.starts_with("en") {
        Locale::En
    } else {
        engine.communities().default_community().locale
    }
}

/// What a handler needs of a request, taken before anything is awaited (a
/// request's body cannot be shared across threads, so neither can a
/// reference to it).
#[derive(Debug)]
struct Asked {
    /// The session cookie.
    cookie: Option<String>,
    /// `?lang=`.
    lang: Option<Locale>,
    /// The language for someone not logged in.
    fallback: Locale,
    /// The peer's address.
    peer: Option<IpAddr>,
    /// `?token=`.
    token: String,
}

impl Asked {
    fn of(engine: &Engine, request: &Request) -> Asked {
        Asked {
            cookie: cookie(request.headers()),
            lang: asked_lang(request),
            fallback: visitor_lang(engine, request),
            peer: peer(request),
            token: query_param(request, "token").unwrap_or("").to_owned(),
        }
    }

    /// `?lang=xx` to keep on links, or nothing.
    fn lang_query(&self) -> String {
        self.lang.map(|l| format!("?lang={l}")).unwrap_or_default()
    }
}

/// The session cookie's value, if the request carries one.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A page with only a message on it.
fn notice(engine: &Engine, locale: Locale, status: StatusCode, key: &str) -> Response {
    let prompts = engine.prompts();
    let body = html::message(&prompts.plain(locale, key));
    html(status, html::page(locale.code(), &prompts.plain(locale, "dashboard-title"), None, &body))
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn internal(engine: &Engine, locale: Locale, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "dashboard: could not read the database");
    notice(engine, locale, StatusCode::INTERNAL_SERVER_ERROR, "dashboard-error")
}

fn peer(request: &Request) -> Option<IpAddr> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// The cookie that opens a session, or ends one (`None`).
fn session_cookie(engine: &Engine, value: Option<&str>) -> String {
    let config = &engine.config().dashboard;
    let secure = if config.is_https() { "; Secure" } else { "" };
    match value {
        Some(v) => format!(
            "{COOKIE}={v}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            config.session_hours * 3600
        ),
        None => format!("{COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

/// `GET /dashboard/login?token=…`: redeems a link once, opens a session
/// and moves on to the overview, or says why not; rate-limited per peer
/// address.
async fn login(State(dash): State<Dash>, request: Request) -> Response {
    let engine = &dash.engine;
    let asked = Asked::of(engine, &request);
    let locale = asked.fallback;
    if !dash.limiter.allow(asked.peer) {
        return notice(engine, locale, StatusCode::TOO_MANY_REQUESTS, "dashboard-too-many");
    }
    match dashboard::redeem(engine, &asked.token).await {
        Ok(Ok((cookie, visitor))) => {
            // A page that moves on, not a redirect: the link is opened from
            // a chat (often another site, web.telegram.org or discord.com),
            // and a browser withholds a SameSite=Strict cookie for the
            // whole of a navigation another site started, redirects
            // included. The page's own move to the overview is ours, so
            // the cookie goes with it.
            let next = format!("/dashboard/{}/{}", html::path_segment(&visitor.community.id), asked.lang_query());
            let locale = asked.lang.or(visitor.member.locale).unwrap_or(visitor.community.locale);
            let prompts = engine.prompts();
            let body = html::message_with_link(
                &prompts.plain(locale, "dashboard-logged-in"),
                &next,
                &prompts.plain(locale, "dashboard-continue"),
            );
            let title = prompts.plain(locale, "dashboard-title");
            let mut r = html(StatusCode::OK, html::page_then(locale.code(), &title, None, &body, Some(&next)));
            if let Ok(v) = HeaderValue::from_str(&session_cookie(engine, Some(&cookie))) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            tracing::info!(community = %visitor.community.id, member = %visitor.member.id, "dashboard: logged in");
            r
        }
        Ok(Err(refused)) => {
            let status = match refused {
                Refused::Tampered => StatusCode::BAD_REQUEST,
                Refused::Used | Refused::Expired => StatusCode::GONE,
                Refused::Unknown | Refused::Off => StatusCode::NOT_FOUND,
                Refused::NotModerator => StatusCode::FORBIDDEN,
            };
            notice(engine, locale, status, refused.prompt_key())
        }
        Err(e) => internal(engine, locale, &e),
    }
}

/// `POST /dashboard/logout`: ends the session (the cookie is `SameSite=Strict`,
/// so another site cannot make a browser post it).
async fn logout(State(dash): State<Dash>, request: Request) -> Response {
    let engine = &dash.engine;
    let asked = Asked::of(engine, &request);
    let locale = asked.fallback;
    if let Some(c) = &asked.cookie
        && let Err(e) = dashboard::logout(engine, c).await
    {
        return internal(engine, locale, &e);
    }
    let mut r = notice(engine, locale, StatusCode::OK, "dashboard-logged-out");
    if let Ok(v) = HeaderValue::from_str(&session_cookie(engine, None)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// `GET /dashboard`: to one's community's overview, or how to log in.
async fn home(State(dash): State<Dash>, request: Request) -> Response {
    let engine = &dash.engine;
    let asked = Asked::of(engine, &request);
    let locale = asked.fallback;
    match signed_in(engine, asked.cookie.as_deref()).await {
        Ok(Ok(v)) => redirect(&format!("/dashboard/{}/", html::path_segment(&v.community.id))),
        Ok(Err(r)) => r(engine, locale),
        Err(e) => internal(engine, locale, &e),
    }
}

async fn overview_redirect(Path(community): Path<String>) -> Response {
    redirect(&format!("/dashboard/{}/", html::path_segment(&community)))
}

async fn not_found(State(dash): State<Dash>, request: Request) -> Response {
    let locale = visitor_lang(&dash.engine, &request);
    notice(&dash.engine, locale, StatusCode::NOT_FOUND, "dashboard-not-found")
}

/// Why a request is not a logged-in moderator's: the page to show.
type Turned = fn(&Engine, Locale) -> Response;

/// The request's session, if any and still good.
async fn signed_in(engine: &Engine, cookie: Option<&str>) -> Result<Result<Visitor, Turned>, jixia::store::StoreError> {
    let Some(c) = cookie else { return Ok(Err(login_needed)) };
    Ok(match dashboard::session(engine, c).await? {
        None => Err(login_needed),
        Some(Err(_)) => Err(not_moderator),
        Some(Ok(v)) => Ok(v),
    })
}

fn not_moderator(engine: &Engine, locale: Locale) -> Response {
    notice(engine, locale, StatusCode::FORBIDDEN, "dashboard-refused-not-moderator")
}

fn login_needed(engine: &Engine, locale: Locale) -> Response {
    notice(engine, locale, StatusCode::UNAUTHORIZED, "dashboard-login-needed")
}

/// The logged-in moderator of `community`, or the page that turns the
/// request away.
async fn moderator_of(dash: &Dash, community: &str, asked: &Asked) -> Result<(Visitor, Locale), Response> {
    let engine = &dash.engine;
    let fallback = asked.fallback;
    let visitor = match signed_in(engine, asked.cookie.as_deref()).await {
        Ok(Ok(v)) => v,
        Ok(Err(turn)) => return Err(turn(engine, fallback)),
        Err(e) => return Err(internal(engine, fallback, &e)),
    };
    let locale = asked.lang.or(visitor.member.locale).unwrap_or(visitor.community.locale);
    if visitor.community.id != community {
        tracing::warn!(
            session = %visitor.community.id, asked = community, member = %visitor.member.id,
            "dashboard: a session asked for another community's page"
        );
        return Err(notice(engine, locale, StatusCode::FORBIDDEN, "dashboard-other-community"));
    }
    Ok((visitor, locale))
}

async fn overview(State(dash): State<Dash>, Path(community): Path<String>, request: Request) -> Response {
    let asked = Asked::of(&dash.engine, &request);
    show(&dash, &community, "overview", &asked).await
}

async fn page(State(dash): State<Dash>, Path((community, page)): Path<(String, String)>, request: Request) -> Response {
    let asked = Asked::of(&dash.engine, &request);
    if page == "leaderboard" {
        return pages::public_leaderboard(&dash.engine, &community, asked.fallback).await;
    }
    show(&dash, &community, &page, &asked).await
}

async fn show(dash: &Dash, community: &str, page: &str, asked: &Asked) -> Response {
    if !pages::PAGES.contains(&page) {
        return notice(&dash.engine, asked.fallback, StatusCode::NOT_FOUND, "dashboard-not-found");
    }
    let (visitor, locale) = match moderator_of(dash, community, asked).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lang_query = asked.lang_query();
    match pages::render(&dash.engine, &visitor, locale, page, &lang_query).await {
        Ok(body) => html(StatusCode::OK, body),
        Err(e) => internal(&dash.engine, locale, &e),
    }
}
