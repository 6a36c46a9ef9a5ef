//! The features. Each is one module with its commands (declared as data),
//! its handlers, one prompts file (`prompts/*/NAME.ftl`) and its tables
//! (`NAME_*`). Adding a feature means adding its module here and its command
//! list to [`COMMANDS`]; parsing, help and menus follow.

pub mod checkin;
pub mod core;
pub mod digest;
pub mod faq;
pub mod link;
pub mod points;
pub mod shop;

use crate::command::CommandSpec;
use crate::engine::Ctx;
use crate::message::Outgoing;

/// Every feature's commands, in the order `/help` lists them.
pub const COMMANDS: &[&[CommandSpec]] = &[
    core::COMMANDS,
    link::COMMANDS,
    points::COMMANDS,
    checkin::COMMANDS,
    shop::COMMANDS,
    faq::COMMANDS,
    digest::COMMANDS,
];

/// Passive features see every message that is not a command (activity
/// points, FAQ redirection…), in this order, and return what to send —
/// usually nothing. Each feature adds one line here.
pub async fn observe(ctx: &Ctx<'_>) -> Vec<Outgoing> {
    let mut out = Vec::new();
    let features = &ctx.community.features;
    if features.points.enabled {
        out.extend(ctx.engine.activity.observe(ctx, &features.points).await);
    }
    out.extend(faq::observe(ctx).await);
    out
}

/// Whether `feature` is switched on for a community. Features without a
/// section of their own (core, link) are always on.
pub fn enabled(features: &crate::config::FeaturesConfig, feature: &str) -> bool {
    match feature {
        "points" => features.points.enabled,
        "checkin" => features.checkin.enabled && features.points.enabled,
        "shop" => features.shop.enabled && features.points.enabled,
        "faq" => features.faq.enabled,
        "digest" => features.digest.enabled,
        _ => true,
    }
}

/// Every job kind features run through the scheduler; names are unique.
pub const JOB_KINDS: &[crate::scheduler::JobKind] = &[digest::JOB];

/// Sections of a digest, in the order they appear. A feature contributes one
/// by adding a line here.
pub const DIGEST_SECTIONS: &[digest::DigestSection] =
    &[faq::digest::SECTION, points::DIGEST_SECTION, checkin::DIGEST_SECTION];
