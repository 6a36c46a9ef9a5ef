//! The events commands:
//! `/events [PAGE]` · `/event ID [ics]` · `/event create TITLE START key=value…`
//! (or `key: value` lines) · `/event edit ID key=value…` ·
//! `/event cancel ID` · `/event code ID` · `/event attendees ID` ·
//! `/join ID` · `/leave ID` · `/attend CODE` · `/remind [on|off]` ·
//! `/timezone [ZONE|off]`.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::Command;
use crate::features::FeatureId;
use crate::features::events::ATTEND;
use crate::features::events::config::EventsConfig;
use crate::features::events::form::{Field, Fields, FormError, parse_create, parse_edit};
use crate::features::events::ics;
use crate::features::events::jobs::reminder_jobs;
use crate::features::events::render::View;
use crate::features::events::store::{
    Attended, Changed, Created, Event, EventData, EventNo, EventState, Joined, Joiner, Left, NewEvent, Prefs, Signup,
    SignupState,
};
use crate::features::events::when::{parse_end, parse_start};
use crate::features::hiring::text::{chars, fold_word};
use crate::features::link::codes::{self, Guesses};
use crate::features::points::levels::progress;
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::{Args, Prompt};
use crate::ledger::{Owner, Transfer};
use crate::message::{Attachment, Button, ChatKind, Outgoing, Platform};
use crate::rich::RichText;
use crate::roles::Role;
use crate::scheduler::outbox::MAX_ATTEMPTS;
use crate::store::MemberId;
use crate::store::jobs::NewOutboxMessage;

/// An event's id (`E12`).
const ID: ArgSpec = ArgSpec::required("ID", ArgKind::Word);
/// `/event ID ics`: the calendar file.
const FORMAT: ArgSpec = ArgSpec::optional("FORMAT", ArgKind::Choice(&["ics"]));
/// The body of `/event create`.
const TEXT: ArgSpec = ArgSpec::optional("TEXT", ArgKind::Rest);
/// The changes of `/event edit`.
const CHANGES: ArgSpec = ArgSpec::required("CHANGES", ArgKind::Rest);
/// An attendance code.
const CODE: ArgSpec = ArgSpec::required("CODE", ArgKind::Word);
/// `/remind on|off`.
const SWITCH: ArgSpec = ArgSpec::optional("SWITCH", ArgKind::Choice(&["on", "off"]));
/// `/timezone ZONE`.
const ZONE: ArgSpec = ArgSpec::optional("ZONE", ArgKind::Word);
/// A page of `/events`.
const PAGE: ArgSpec = ArgSpec::optional("PAGE", ArgKind::Int { min: 1, max: 1000 });

/// Longest title, in characters.
const MAX_TITLE: usize = 100;
/// Longest description, in characters.
const MAX_DESCRIPTION: usize = 2000;
/// Highest level a level limit may ask for.
const MAX_LEVEL: i64 = 100;
/// How far ahead `/events` looks.
const LIST_DAYS: i64 = 366;

/// The events commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "events",
        sub: None,
        aliases: &["活动"],
        permission: Permission::Member,
        args: &[PAGE],
        run: Handler(list),
    },
    Command {
        name: "event",
        sub: None,
        aliases: &["活动详情"],
        permission: Permission::Member,
        args: &[ID, FORMAT],
        run: Handler(show),
    },
    Command {
        name: "event",
        sub: Some("create"),
        aliases: &["发起活动"],
        permission: Permission::Member,
        args: &[TEXT],
        run: Handler(create),
    },
    Command {
        name: "event",
        sub: Some("edit"),
        aliases: &["修改活动"],
        permission: Permission::Member,
        args: &[ID, CHANGES],
        run: Handler(edit),
    },
    Command {
        name: "event",
        sub: Some("cancel"),
        aliases: &["取消活动"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(cancel),
    },
    Command {
        name: "event",
        sub: Some("code"),
        aliases: &["签到码"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(code),
    },
    Command {
        name: "event",
        sub: Some("attendees"),
        aliases: &["报名名单"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(attendees),
    },
    Command {
        name: "join",
        sub: None,
        aliases: &["报名"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(join),
    },
    Command {
        name: "leave",
        sub: None,
        aliases: &["取消报名"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(leave),
    },
    Command {
        name: "attend",
        sub: None,
        aliases: &["到场"],
        permission: Permission::Member,
        args: &[CODE],
        run: Handler(attend),
    },
    Command {
        name: "remind",
        sub: None,
        aliases: &["活动提醒"],
        permission: Permission::Member,
        args: &[SWITCH],
        run: Handler(remind),
    },
    Command {
        name: "timezone",
        sub: None,
        aliases: &["时区"],
        permission: Permission::Member,
        args: &[ZONE],
        run: Handler(timezone),
    },
];

fn config<'a>(ctx: &'a Ctx<'a>) -> &'a EventsConfig {
    &ctx.community.features.events
}

/// The sender's view: their language and, when set, their zone.
async fn view<'a>(ctx: &'a Ctx<'a>) -> Result<View<'a>, CommandError> {
    let prefs = ctx.store().events().events_prefs(&ctx.community.id, ctx.member.id).await?;
    Ok(View::new(ctx.engine.prompts(), ctx.locale, prefs.tz))
}

/// Another member's view (a direct message to them).
fn view_of<'a>(ctx: &'a Ctx<'a>, s: &Signup) -> View<'a> {
    View::new(ctx.engine.prompts(), s.locale.unwrap_or(ctx.community.locale), s.tz)
}

fn refuse(key: &'static str, args: Args) -> CommandError {
    CommandError::Member(Prompt::new(key, args))
}

fn id_args(number: EventNo) -> Args {
    Args::new().str("id", number.to_string())
}

/// Moderators, and organisers from the config.
fn may_organise(ctx: &Ctx<'_>) -> bool {
    ctx.role >= Permission::Moderator || config(ctx).is_organiser(ctx.msg)
}

/// Whether the sender may join `e` as far as its roles go: it has none,
/// they hold one of them here, or they may organise (moderators and
/// organisers run the event, so its role limit never keeps them out).
fn may_join_by_role(ctx: &Ctx<'_>, e: &Event) -> bool {
    e.data.roles.is_empty() || may_organise(ctx) || e.data.roles.iter().any(|r| ctx.community.holds(r, ctx.msg))
}

fn organisers_only(ctx: &Ctx<'_>) -> Result<(), CommandError> {
    if may_organise(ctx) { Ok(()) } else { Err(refuse("events-not-organiser", Args::new())) }
}

fn event_no(cmd: &ParsedCommand) -> Result<EventNo, CommandError> {
    let typed = cmd.required_text(&ID)?;
    EventNo::parse(typed).ok_or_else(|| refuse("events-bad-id", Args::new().str("got", typed)))
}

/// The event `cmd` names, or the member is told there is none.
async fn named(ctx: &Ctx<'_>, cmd: &ParsedCommand) -> Result<Event, CommandError> {
    let number = event_no(cmd)?;
    ctx.store()
        .events()
        .events_get(&ctx.community.id, number)
        .await?
        .ok_or_else(|| refuse("events-no-such-event", id_args(number)))
}

fn joiner(ctx: &Ctx<'_>) -> Joiner {
    Joiner { member: ctx.member.id, platform: ctx.msg.chat.platform, user_id: ctx.msg.sender.id.clone() }
}

/// A direct message for the outbox, keyed by what it is about.
fn outbox_dm(key: String, s: &Signup, body: RichText) -> NewOutboxMessage {
    NewOutboxMessage {
        key,
        part: 0,
        message: Outgoing::direct(s.platform, s.user_id.clone(), body),
        max_attempts: MAX_ATTEMPTS,
    }
}

/// The message a member promoted from the waitlist gets.
fn promoted_messages<'a>(ctx: &'a Ctx<'a>) -> impl Fn(&Event, &[Signup]) -> Vec<NewOutboxMessage> + Send + Sync + 'a {
    move |e: &Event, up: &[Signup]| {
        up.iter()
            .map(|s| {
                let v = view_of(ctx, s);
                let key = format!("events:{}:{}:promoted:{}:{}", e.community, e.number, s.member, s.arrival);
                outbox_dm(key, s, v.text("events-dm-promoted", &v.event_args(e)))
            })
            .collect()
    }
}

/// `/events [PAGE]`: a page of the coming events (`list_size` a page, as
/// `/jobs` pages), with a button to the next one.
fn list<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let size = config(ctx).list_size.max(1);
        let page = cmd.int(&PAGE)?.unwrap_or(1);
        let until = ctx.now + Duration::days(LIST_DAYS);
        let store = ctx.store().events();
        let count = store.events_upcoming_count(&ctx.community.id, ctx.now, until).await?;
        if count == 0 {
            return Ok(vec![ctx.reply("events-list-empty", &Args::new())]);
        }
        let pages = (count + size - 1) / size;
        if page > pages {
            return Err(refuse("events-no-such-page", Args::new().num("page", page).num("pages", pages)));
        }
        let events = store.events_upcoming(&ctx.community.id, ctx.now, until, size, (page - 1) * size).await?;
        let v = view(ctx).await?;
        let mut out = v.text("events-list", &Args::new().num("count", count));
        let lines: Vec<String> = events.iter().map(|e| v.line(e)).collect();
        out.append(RichText::list(&lines));
        out.append(v.text("events-list-footer", &Args::new().num("page", page).num("pages", pages)));
        let mut reply = Outgoing::reply(ctx.msg, out);
        if page < pages {
            let next =
                Button { label: v.plain("events-button-next", &Args::new()), data: format!("/events {}", page + 1) };
            reply = reply.with_buttons(vec![next]);
        }
        Ok(vec![reply])
    })
}

fn show<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let e = named(ctx, cmd).await?;
        let v = view(ctx).await?;
        if cmd.text(&FORMAT)?.is_some() {
            let text = ics::calendar(&e, &ctx.community.id, ctx.now);
            let mut body = v.text("events-ics", &v.event_args(&e));
            // The console shows the file itself; platforms attach it.
            if ctx.msg.chat.platform == Platform::Console {
                body.append(RichText::plain(&text));
            }
            let mut out = Outgoing::reply(ctx.msg, body);
            out.attachments.push(Attachment {
                filename: format!("{}.ics", e.number),
                mime: "text/calendar".into(),
                bytes: text.into_bytes(),
            });
            return Ok(vec![out]);
        }
        let mut out = Outgoing::reply(ctx.msg, v.card(&e, ctx.now));
        if e.state == EventState::Open && ctx.now < e.data.starts_at {
            let id = e.number.to_string();
            out = out.with_buttons(vec![
                Button { label: v.plain("events-button-join", &Args::new()), data: format!("/join {id}") },
                Button { label: v.plain("events-button-leave", &Args::new()), data: format!("/leave {id}") },
            ]);
        }
        Ok(vec![out])
    })
}

/// A problem with what was typed, as a reply.
enum Problem {
    Form(FormError),
    When {
        field: Field,
        typed: String,
        error: crate::features::events::when::WhenError,
    },
    Missing(Field),
    TooLong {
        field: Field,
        max: usize,
    },
    EndBeforeStart,
    DeadlineAfterStart,
    BothPlaces,
    Capacity {
        got: String,
        max: i64,
    },
    Level {
        got: String,
    },
    Tz {
        got: String,
    },
    /// A role name the community does not have; `known` are the ones it has.
    UnknownRole {
        got: String,
        known: Vec<String>,
    },
}

fn problem(v: &View<'_>, p: &Problem) -> RichText {
    let field = |f: Field| v.plain(&format!("events-field-{}", f.as_str()), &Args::new());
    let mut out = match p {
        Problem::Form(FormError::UnknownKey { key }) => {
            v.text("events-form-unknown-key", &Args::new().str("key", key.clone()))
        }
        Problem::Form(FormError::Twice { key }) => v.text("events-form-twice", &Args::new().str("key", key.clone())),
        Problem::Form(FormError::Stray { line }) => v.text("events-form-stray", &Args::new().str("line", line.clone())),
        Problem::Form(FormError::Unclosed) => v.text("events-form-unclosed", &Args::new()),
        Problem::When { field, typed, error } => return v.when_error(field.as_str(), typed, error),
        Problem::Missing(f) => v.text("events-form-missing", &Args::new().str("field", field(*f))),
        Problem::TooLong { field: f, max } => v.text(
            "events-form-too-long",
            &Args::new().str("field", field(*f)).num("max", i64::try_from(*max).unwrap_or(0)),
        ),
        Problem::EndBeforeStart => v.text("events-form-end-before-start", &Args::new()),
        Problem::DeadlineAfterStart => v.text("events-form-deadline-after-start", &Args::new()),
        Problem::BothPlaces => v.text("events-form-both-places", &Args::new()),
        Problem::Capacity { got, max } => {
            v.text("events-form-capacity", &Args::new().str("got", got.clone()).num("max", *max))
        }
        Problem::Level { got } => {
            v.text("events-form-level", &Args::new().str("got", got.clone()).num("max", MAX_LEVEL))
        }
        Problem::Tz { got } => v.text("events-form-tz", &Args::new().str("got", got.clone())),
        Problem::UnknownRole { got, known } if known.is_empty() => {
            v.text("events-form-no-roles", &Args::new().str("got", got.clone()))
        }
        Problem::UnknownRole { got, known } => {
            v.text("events-form-role", &Args::new().str("got", got.clone()).str("known", v.names(known)))
        }
    };
    if matches!(p, Problem::Form(_) | Problem::Missing(_)) {
        out.append(v.text("events-form-keys", &Args::new()));
    }
    out
}

/// What the fields say, on top of `base` (an edit) or from nothing (a
/// create), checked: dates in the future and in order, numbers in range.
fn build(
    fields: &Fields,
    base: Option<&EventData>,
    now: DateTime<Utc>,
    default_tz: Tz,
    max_capacity: i64,
    known_roles: &[Role],
) -> Result<EventData, Problem> {
    let tz = match fields.get(Field::Tz) {
        Some(t) => t.trim().parse::<Tz>().map_err(|_| Problem::Tz { got: t.to_owned() })?,
        None => base.map_or(default_tz, |b| b.tz),
    };
    let title = match fields.get(Field::Title) {
        Some(t) => t.trim().to_owned(),
        None => base.map(|b| b.title.clone()).ok_or(Problem::Missing(Field::Title))?,
    };
    if chars(&title) > MAX_TITLE {
        return Err(Problem::TooLong { field: Field::Title, max: MAX_TITLE });
    }
    let starts_at = match fields.get(Field::Start) {
        Some(t) => {
            parse_start(t, now, tz)
                .map_err(|error| Problem::When { field: Field::Start, typed: t.to_owned(), error })?
                .at
        }
        None => base.map(|b| b.starts_at).ok_or(Problem::Missing(Field::Start))?,
    };
    let start_local = starts_at.with_timezone(&tz).naive_local();
    let ends_at = match fields.get(Field::End) {
        Some(t) => Some(
            parse_end(t, start_local, tz)
                .map_err(|error| Problem::When { field: Field::End, typed: t.to_owned(), error })?
                .at,
        ),
        None if fields.has(Field::End) => None,
        // A moved start keeps the length.
        None => base.and_then(|b| b.ends_at.map(|e| e + (starts_at - b.starts_at))),
    };
    if ends_at.is_some_and(|e| e <= starts_at) {
        return Err(Problem::EndBeforeStart);
    }
    let deadline = match fields.get(Field::Deadline) {
        Some(t) => {
            parse_start(t, now, tz)
                .map_err(|error| Problem::When { field: Field::Deadline, typed: t.to_owned(), error })?
                .at
        }
        None => match base {
            Some(b) if b.deadline != b.starts_at && !fields.has(Field::Deadline) => b.deadline.min(starts_at),
            _ => starts_at,
        },
    };
    if deadline > starts_at {
        return Err(Problem::DeadlineAfterStart);
    }
    let (online, place) = match (fields.has(Field::Where), fields.has(Field::Link)) {
        (true, true) => return Err(Problem::BothPlaces),
        (true, false) => (false, fields.get(Field::Where).map(|p| p.trim().to_owned())),
        (false, true) => (true, fields.get(Field::Link).map(|p| p.trim().to_owned())),
        (false, false) => base.map_or((false, None), |b| (b.online, b.place.clone())),
    };
    let capacity = match fields.get(Field::Capacity) {
        Some(c) => {
            let bad = || Problem::Capacity { got: c.to_owned(), max: max_capacity };
            let n: i64 = c.trim().parse().map_err(|_| bad())?;
            if !(1..=max_capacity).contains(&n) {
                return Err(bad());
            }
            Some(n)
        }
        None if fields.has(Field::Capacity) => None,
        None => base.and_then(|b| b.capacity),
    };
    let description = match fields.get(Field::Description) {
        Some(d) => d.trim().to_owned(),
        None if fields.has(Field::Description) => String::new(),
        None => base.map(|b| b.description.clone()).unwrap_or_default(),
    };
    if chars(&description) > MAX_DESCRIPTION {
        return Err(Problem::TooLong { field: Field::Description, max: MAX_DESCRIPTION });
    }
    let min_level = match fields.get(Field::Level) {
        Some(l) => l
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=MAX_LEVEL).contains(n))
            .ok_or_else(|| Problem::Level { got: l.to_owned() })?,
        None => base.map_or(0, |b| b.min_level),
    };
    let roles = match fields.get(Field::Roles) {
        Some(typed) => role_names(typed, known_roles)?,
        None if fields.has(Field::Roles) => Vec::new(),
        None => base.map(|b| b.roles.clone()).unwrap_or_default(),
    };
    Ok(EventData { title, starts_at, ends_at, tz, online, place, capacity, deadline, description, min_level, roles })
}

/// The roles `roles=speakers,志愿者` names (separated by commas, `、` or
/// spaces; case and width folded), as the config spells them, each once.
fn role_names(typed: &str, known: &[Role]) -> Result<Vec<String>, Problem> {
    let mut names: Vec<String> = Vec::new();
    for piece in typed.split([',', '，', '、', ';', '；']).flat_map(str::split_whitespace) {
        let folded = fold_word(piece);
        let Some(role) = known.iter().find(|r| fold_word(&r.name) == folded) else {
            let known = known.iter().map(|r| r.name.clone()).collect();
            return Err(Problem::UnknownRole { got: piece.to_owned(), known });
        };
        if !names.contains(&role.name) {
            names.push(role.name.clone());
        }
    }
    Ok(names)
}

fn create<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        organisers_only(ctx)?;
        let config = config(ctx);
        let v = view(ctx).await?;
        let body = cmd.text(&TEXT)?.unwrap_or_default();
        if body.trim().is_empty() {
            let mut out = v.text("events-create-help", &Args::new());
            out.append(v.text("events-form-keys", &Args::new()));
            out.append(v.text("events-when-forms", &Args::new()));
            return Ok(vec![Outgoing::reply(ctx.msg, out)]);
        }
        let data = parse_create(body)
            .map_err(Problem::Form)
            .and_then(|f| build(&f, None, ctx.now, ctx.community.tz, config.max_capacity, ctx.community.roles()));
        let data = match data {
            Ok(d) => d,
            Err(p) => {
                let mut out = v.text("events-create-problem", &Args::new());
                out.append(problem(&v, &p));
                return Ok(vec![Outgoing::reply(ctx.msg, out)]);
            }
        };
        let platform = ctx.msg.chat.platform;
        let new = NewEvent {
            community: ctx.community.id.clone(),
            creator: ctx.member.id,
            data,
            idem_key: format!("{}:{}:{}:event-create", platform, ctx.msg.chat.id, ctx.msg.message_id),
        };
        let offsets = config.offsets();
        let now = ctx.now;
        let jobs = move |e: &Event| reminder_jobs(e, &offsets, now);
        match ctx.store().events().events_create(&new, &jobs, ctx.now).await? {
            Created::Stored(e) => {
                let mut out = v.text("events-created", &v.event_args(&e));
                out.append(v.card(&e, ctx.now));
                Ok(vec![Outgoing::reply(ctx.msg, out)])
            }
            Created::Duplicate(n) => Err(refuse("events-create-duplicate", id_args(n))),
        }
    })
}

fn edit<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        organisers_only(ctx)?;
        let config = config(ctx);
        let e = named(ctx, cmd).await?;
        if e.state == EventState::Cancelled {
            return Err(refuse("events-cancelled", v_args(&e)));
        }
        let v = view(ctx).await?;
        let changes = cmd.required_text(&CHANGES)?;
        let data = parse_edit(changes).map_err(Problem::Form).and_then(|f| {
            build(&f, Some(&e.data), ctx.now, ctx.community.tz, config.max_capacity, ctx.community.roles())
        });
        let data = match data {
            Ok(d) => d,
            Err(p) => {
                let mut out = v.text("events-edit-problem", &id_args(e.number));
                out.append(problem(&v, &p));
                return Ok(vec![Outgoing::reply(ctx.msg, out)]);
            }
        };
        let offsets = config.offsets();
        let now = ctx.now;
        let jobs = move |e: &Event| reminder_jobs(e, &offsets, now);
        let promoted = promoted_messages(ctx);
        let told = |after: &Event, everyone: &[Signup]| -> Vec<NewOutboxMessage> {
            everyone
                .iter()
                .filter(|s| s.member != ctx.member.id)
                .map(|s| {
                    let v = view_of(ctx, s);
                    let key =
                        format!("events:{}:{}:edit:{}:{}", after.community, after.number, after.sequence, s.member);
                    let mut body = v.text("events-dm-edited", &v.event_args(after));
                    body.append(v.text("events-dm-footer", &id_args(after.number)));
                    outbox_dm(key, s, body)
                })
                .collect()
        };
        match ctx
            .store()
            .events()
            .events_update(&ctx.community.id, e.number, &data, &jobs, &promoted, &told, ctx.now)
            .await?
        {
            Changed::Done(after) => {
                let mut out = v.text("events-edited", &v.event_args(&after));
                out.append(v.card(&after, ctx.now));
                Ok(vec![Outgoing::reply(ctx.msg, out)])
            }
            Changed::Cancelled(e) => Err(refuse("events-cancelled", v_args(&e))),
            Changed::Missing => Err(refuse("events-no-such-event", id_args(e.number))),
        }
    })
}

fn v_args(e: &Event) -> Args {
    id_args(e.number).str("title", e.data.title.clone())
}

fn cancel<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        organisers_only(ctx)?;
        let number = event_no(cmd)?;
        let told = |after: &Event, everyone: &[Signup]| -> Vec<NewOutboxMessage> {
            everyone
                .iter()
                .filter(|s| s.member != ctx.member.id)
                .map(|s| {
                    let v = view_of(ctx, s);
                    let key = format!("events:{}:{}:cancel:{}", after.community, after.number, s.member);
                    outbox_dm(key, s, v.text("events-dm-cancelled", &v.event_args(after)))
                })
                .collect()
        };
        match ctx.store().events().events_cancel(&ctx.community.id, number, &told, ctx.now).await? {
            Changed::Done(e) => {
                let told = e.going + e.waiting;
                Ok(vec![ctx.reply("events-cancel-done", &v_args(&e).num("count", told))])
            }
            Changed::Cancelled(e) => Err(refuse("events-cancelled", v_args(&e))),
            Changed::Missing => Err(refuse("events-no-such-event", id_args(number))),
        }
    })
}

fn code<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        organisers_only(ctx)?;
        let number = event_no(cmd)?;
        let window = Duration::minutes(config(ctx).attendance_minutes);
        let until = ctx.now + window;
        // The link codes' alphabet: nothing to confuse when copied by hand.
        let code = codes::new_code();
        match ctx.store().events().events_open_code(&ctx.community.id, number, &code, until, ctx.now).await? {
            Changed::Done(e) => {
                let v = view(ctx).await?;
                let args = v_args(&e).str("code", code).str("until", v.time(until, e.data.tz));
                Ok(vec![Outgoing::reply(ctx.msg, v.text("events-code", &args))])
            }
            Changed::Cancelled(e) => Err(refuse("events-cancelled", v_args(&e))),
            Changed::Missing => Err(refuse("events-no-such-event", id_args(number))),
        }
    })
}

fn attendees<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        organisers_only(ctx)?;
        let e = named(ctx, cmd).await?;
        let store = ctx.store().events();
        let signups = store.events_signups(e.id).await?;
        let members: Vec<_> = signups.iter().map(|s| s.member).collect();
        let no_shows = store.events_no_shows(&ctx.community.id, &members, ctx.now).await?;
        let v = view(ctx).await?;
        let present = signups.iter().filter(|s| s.present).count();
        let mut out = v.text(
            "events-attendees",
            &v_args(&e).str("seats", v.seats(&e)).num("present", i64::try_from(present).unwrap_or(0)),
        );
        for (state, key) in [
            (SignupState::Going, "events-attendees-going"),
            (SignupState::Waitlist, "events-attendees-waitlist"),
            (SignupState::Walkin, "events-attendees-walkin"),
        ] {
            let lines: Vec<String> = signups
                .iter()
                .filter(|s| s.state == state)
                .enumerate()
                .map(|(i, s)| {
                    let missed = no_shows.iter().find(|(m, _)| *m == s.member).map_or(0, |(_, n)| *n);
                    let args = Args::new()
                        .num("n", i64::try_from(i + 1).unwrap_or(0))
                        .str("name", s.name.clone())
                        .num("present", i64::from(s.present))
                        .num("missed", missed);
                    v.plain("events-attendee", &args)
                })
                .collect();
            if !lines.is_empty() {
                out.append(v.text(key, &Args::new().num("count", i64::try_from(lines.len()).unwrap_or(0))));
                out.append(RichText::list(&lines));
            }
        }
        Ok(vec![Outgoing::reply(ctx.msg, out)])
    })
}

fn join<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let e = named(ctx, cmd).await?;
        if e.state == EventState::Cancelled {
            return Err(refuse("events-cancelled", v_args(&e)));
        }
        if !may_join_by_role(ctx, &e) {
            // A platform role (a Discord role) is only seen in the
            // community's group chats on that platform: say so where it
            // could not be seen.
            let platform_roles = e
                .data
                .roles
                .iter()
                .filter_map(|r| ctx.community.role(r))
                .any(|r| r.holders.iter().any(|h| h.is_platform_role()));
            let key = if platform_roles && ctx.msg.chat.kind == ChatKind::Private {
                "events-join-role-in-group"
            } else {
                "events-join-role"
            };
            let v = view(ctx).await?;
            return Err(refuse(key, v_args(&e).str("roles", v.names(&e.data.roles))));
        }
        if e.data.min_level > 0 {
            let curve = ctx.community.features.points.level_curve;
            let contribution = ctx.store().ledger().balance(&ctx.community.id, ctx.member.id).await?.contribution;
            let level = progress(curve, contribution).level;
            if level < e.data.min_level {
                return Err(refuse("events-join-level", v_args(&e).num("level", e.data.min_level).num("yours", level)));
            }
        }
        let v = view(ctx).await?;
        match ctx.store().events().events_join(&ctx.community.id, e.number, &joiner(ctx), ctx.now).await? {
            Joined::Going(e) => Ok(vec![Outgoing::reply(ctx.msg, v.text("events-joined", &v.event_args(&e)))]),
            Joined::Waitlisted(e, place) => {
                Ok(vec![Outgoing::reply(ctx.msg, v.text("events-waitlisted", &v.event_args(&e).num("place", place)))])
            }
            Joined::Already(e, state) => {
                Err(refuse("events-join-already", v_args(&e).num("going", i64::from(state == SignupState::Going))))
            }
            Joined::Closed(e) => {
                Err(refuse("events-join-closed", v_args(&e).str("deadline", v.time(e.data.deadline, e.data.tz))))
            }
            Joined::Cancelled(e) => Err(refuse("events-cancelled", v_args(&e))),
            Joined::Missing => Err(refuse("events-no-such-event", id_args(e.number))),
        }
    })
}

fn leave<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let number = event_no(cmd)?;
        let promoted = promoted_messages(ctx);
        match ctx.store().events().events_leave(&ctx.community.id, number, ctx.member.id, &promoted, ctx.now).await? {
            Left::Done(e, _) => Ok(vec![ctx.reply("events-left", &v_args(&e))]),
            Left::NotSignedUp(e) => Err(refuse("events-leave-not-signed-up", v_args(&e))),
            Left::Missing => Err(refuse("events-no-such-event", id_args(number))),
        }
    })
}

/// Wrong attendance codes per member on this engine: the link codes' limit
/// ([`Guesses`], 5 in 10 minutes), so a code cannot be guessed from afar
/// while it is open.
#[derive(Debug, Default)]
pub(super) struct WrongCodes(Guesses<MemberId>);

fn attend<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let code = cmd.required_text(&CODE)?.trim().to_uppercase();
        let wrong = &ctx.state::<WrongCodes>()?.0;
        if let Some(until) = wrong.blocked_until(&ctx.member.id, ctx.now) {
            let minutes = ((until - ctx.now).num_seconds() + 59) / 60;
            return Err(refuse("events-attend-too-many", Args::new().num("minutes", minutes.max(1))));
        }
        let points = if ctx.community.features.is_on(FeatureId::Points) { config(ctx).attendance_points } else { 0 };
        let msg = ctx.msg;
        let member = ctx.member.id;
        let community = ctx.community.id.clone();
        let now = ctx.now;
        let pay = move |e: &Event| {
            (points > 0).then(|| Transfer {
                community: community.clone(),
                key: format!("{}:{}:{}:event-attend", msg.chat.platform, msg.chat.id, msg.message_id),
                kind: ATTEND,
                reason: format!("{} {}", e.number, e.data.title),
                actor: None,
                from: Owner::Mint,
                to: Owner::Member(member),
                amount: points,
                at: now,
            })
        };
        match ctx.store().events().events_attend(&ctx.community.id, &code, &joiner(ctx), &pay, ctx.now).await? {
            Attended::Marked(e, Some(b)) => {
                Ok(vec![ctx.reply("events-attended-paid", &v_args(&e).num("points", points).num("balance", b.balance))])
            }
            Attended::Marked(e, None) => Ok(vec![ctx.reply("events-attended", &v_args(&e))]),
            Attended::Already(e) => Err(refuse("events-attend-already", v_args(&e))),
            Attended::NoSuchCode => {
                wrong.record(&ctx.member.id, ctx.now);
                Err(refuse("events-attend-bad-code", Args::new().str("code", code)))
            }
        }
    })
}

fn remind<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let store = ctx.store().events();
        let mut prefs: Prefs = store.events_prefs(&ctx.community.id, ctx.member.id).await?;
        match cmd.text(&SWITCH)? {
            Some(s) => {
                prefs.reminders = s == "on";
                store.events_set_prefs(&ctx.community.id, ctx.member.id, &prefs).await?;
                let key = if prefs.reminders { "events-remind-on" } else { "events-remind-off" };
                Ok(vec![ctx.reply(key, &Args::new())])
            }
            None => {
                let key = if prefs.reminders { "events-remind-is-on" } else { "events-remind-is-off" };
                Ok(vec![ctx.reply(key, &Args::new())])
            }
        }
    })
}

fn timezone<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let store = ctx.store().events();
        let mut prefs = store.events_prefs(&ctx.community.id, ctx.member.id).await?;
        let Some(typed) = cmd.text(&ZONE)? else {
            return Ok(vec![match prefs.tz {
                Some(tz) => ctx.reply("events-tz-is", &Args::new().str("tz", tz.name())),
                None => ctx.reply("events-tz-none", &Args::new().str("tz", ctx.community.tz.name())),
            }]);
        };
        if typed.eq_ignore_ascii_case("off") {
            prefs.tz = None;
        } else {
            let tz = typed.parse::<Tz>().map_err(|_| refuse("events-tz-bad", Args::new().str("got", typed)))?;
            prefs.tz = Some(tz);
        }
        store.events_set_prefs(&ctx.community.id, ctx.member.id, &prefs).await?;
        Ok(vec![match prefs.tz {
            Some(tz) => ctx.reply("events-tz-set", &Args::new().str("tz", tz.name())),
            None => ctx.reply("events-tz-cleared", &Args::new().str("tz", ctx.community.tz.name())),
        }])
    })
}
