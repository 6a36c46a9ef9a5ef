//! How events read in one language and time zone: times (in the viewer's
//! zone when they set one, else the event's, always naming the zone), the
//! list line, the card, and how a date was read. Shared by the commands,
//! the reminder job and the digest.

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::features::events::store::{Event, EventState};
use crate::features::events::when::WhenError;
use crate::i18n::{Args, Locale, Prompt, Prompts};
use crate::rich::RichText;

/// One language and, when the viewer set one, their time zone.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The prompts.
    pub prompts: &'a Prompts,
    /// The language.
    pub locale: Locale,
    /// The viewer's zone (`None`: each event's own).
    pub tz: Option<Tz>,
}

impl<'a> View<'a> {
    /// A view.
    pub fn new(prompts: &'a Prompts, locale: Locale, tz: Option<Tz>) -> View<'a> {
        View { prompts, locale, tz }
    }

    /// A prompt as rich text.
    pub fn text(&self, key: &str, args: &Args) -> RichText {
        self.prompts.format(self.locale, key, args)
    }

    /// A prompt as plain text.
    pub fn plain(&self, key: &str, args: &Args) -> String {
        self.text(key, args).to_plain()
    }

    /// A prompt, formatted.
    pub fn render(&self, prompt: &Prompt) -> RichText {
        self.prompts.render(self.locale, prompt)
    }

    /// Names as a list in the language: `讲师、志愿者`, `speakers, volunteers`.
    pub fn names(&self, names: &[String]) -> String {
        names.join(if self.locale == Locale::Zh { "、" } else { ", " })
    }

    /// A local date and time with its weekday: `2026-12-12 周六 14:00`.
    pub fn local(&self, t: NaiveDateTime) -> String {
        let weekday = i64::from(t.weekday().number_from_monday());
        self.plain(
            "events-local",
            &Args::new()
                .str("date", t.format("%Y-%m-%d").to_string())
                .num("weekday", weekday)
                .str("time", t.format("%H:%M").to_string()),
        )
    }

    /// An instant in the viewer's zone (else `zone`), naming the zone.
    pub fn time(&self, at: DateTime<Utc>, zone: Tz) -> String {
        let tz = self.tz.unwrap_or(zone);
        let local = at.with_timezone(&tz).naive_local();
        format!("{} ({})", self.local(local), tz.name())
    }

    /// A span: `1 天 2 小时`, `45 分钟`.
    pub fn duration(&self, d: Duration) -> String {
        let total = d.num_minutes().max(0);
        let (days, hours, minutes) = (total / 1440, total % 1440 / 60, total % 60);
        let mut parts = Vec::new();
        if days > 0 {
            parts.push(self.plain("events-days", &Args::new().num("n", days)));
        }
        if hours > 0 {
            parts.push(self.plain("events-hours", &Args::new().num("n", hours)));
        }
        if minutes > 0 || parts.is_empty() {
            parts.push(self.plain("events-minutes", &Args::new().num("n", minutes)));
        }
        parts.join(" ")
    }

    /// Where: the address, the link, or that it is not said yet.
    pub fn place(&self, e: &Event) -> String {
        match (&e.data.place, e.data.online) {
            (Some(p), true) => self.plain("events-online", &Args::new().str("link", p.clone())),
            (Some(p), false) => p.clone(),
            (None, true) => self.plain("events-online", &Args::new().str("link", "—")),
            (None, false) => self.plain("events-place-unknown", &Args::new()),
        }
    }

    /// Seats: `12/40`, `12`, with the waitlist when there is one.
    pub fn seats(&self, e: &Event) -> String {
        let args = Args::new().num("going", e.going).num("waiting", e.waiting);
        match e.data.capacity {
            Some(c) => self.plain("events-seats", &args.num("capacity", c)),
            None => self.plain("events-seats-open", &args),
        }
    }

    /// The arguments most event prompts take: id, title, start, place, seats.
    pub fn event_args(&self, e: &Event) -> Args {
        Args::new()
            .str("id", e.number.to_string())
            .str("title", e.data.title.clone())
            .str("start", self.time(e.data.starts_at, e.data.tz))
            .str("place", self.place(e))
            .str("seats", self.seats(e))
    }

    /// One line of `/events` and the digest.
    pub fn line(&self, e: &Event) -> String {
        self.plain("events-line", &self.event_args(e))
    }

    /// The card of `/event ID`.
    pub fn card(&self, e: &Event, now: DateTime<Utc>) -> RichText {
        let mut out = self.text("events-card", &self.event_args(e));
        if let Some(end) = e.data.ends_at {
            out.append(self.text("events-card-end", &Args::new().str("end", self.time(end, e.data.tz))));
        }
        if e.data.deadline != e.data.starts_at {
            out.append(
                self.text("events-card-deadline", &Args::new().str("deadline", self.time(e.data.deadline, e.data.tz))),
            );
        }
        if e.data.min_level > 0 {
            out.append(self.text("events-card-level", &Args::new().num("level", e.data.min_level)));
        }
        if !e.data.roles.is_empty() {
            out.append(self.text("events-card-roles", &Args::new().str("roles", self.names(&e.data.roles))));
        }
        if !e.data.description.is_empty() {
            out.append(RichText::plain(&e.data.description));
        }
        let key = if e.state == EventState::Cancelled {
            "events-card-cancelled"
        } else if now >= e.data.starts_at {
            "events-card-started"
        } else if now >= e.data.deadline {
            "events-card-closed"
        } else {
            "events-card-how"
        };
        out.append(self.text(key, &Args::new().str("id", e.number.to_string())));
        out
    }

    /// Why a date was not accepted, with how it was read.
    pub fn when_error(&self, field: &str, typed: &str, e: &WhenError) -> RichText {
        let args =
            Args::new().str("field", self.plain(&format!("events-field-{field}"), &Args::new())).str("typed", typed);
        let mut out = match e {
            WhenError::Empty | WhenError::Unparsed { .. } => {
                let piece = match e {
                    WhenError::Unparsed { piece } => piece.clone(),
                    _ => typed.to_owned(),
                };
                self.text("events-when-unparsed", &args.str("piece", piece))
            }
            WhenError::NoSuchDate { piece } => self.text("events-when-no-such-date", &args.str("piece", piece.clone())),
            WhenError::NoSuchTime { piece } => self.text("events-when-no-such-time", &args.str("piece", piece.clone())),
            WhenError::NoDate => self.text("events-when-no-date", &args),
            WhenError::NoTime => self.text("events-when-no-time", &args),
            WhenError::Twice => self.text("events-when-twice", &args),
            WhenError::Ambiguous { readings } => {
                let mut out = self.text("events-when-ambiguous", &args);
                let lines: Vec<String> = readings.iter().map(|r| self.local(*r)).collect();
                out.append(RichText::list(&lines));
                out
            }
            WhenError::Skipped { local } => self.text("events-when-skipped", &args.str("read", self.local(*local))),
            WhenError::Repeated { local } => self.text("events-when-repeated", &args.str("read", self.local(*local))),
            WhenError::Past { local } => self.text("events-when-past", &args.str("read", self.local(*local))),
        };
        out.append(self.text("events-when-forms", &Args::new()));
        out
    }
}
