//! The rewards shop: a catalogue in config (salon tickets, recorded
//! courses, T-shirts…), redeemed with points into a moderators' order queue;
//! refunds return the points and the stock. Stock never goes below zero,
//! whatever redemptions race.
//!
//! Grammar: `/shop` · `/redeem ITEM` · `/orders` · `/orders done ID` ·
//! `/orders refund ID`

use serde::{Deserialize, Serialize};

use crate::command::{ArgKind, ArgSpec, BoxFuture, CommandSpec, ParsedCommand, Permission};
use crate::engine::{CommandError, CommandResult, Ctx};
use crate::features::points::levels::progress;
use crate::i18n::{Args, Locale};
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::store::economy::{MovementKind, Order, Owner, RedeemOutcome, SettleOutcome, Transfer};

/// One thing in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShopItem {
    /// Short stable id members type (`/redeem tshirt`).
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// English name (the Chinese one when empty).
    #[serde(default)]
    pub name_en: String,
    /// Price in points.
    pub price: i64,
    /// How many there are; unlimited when absent.
    #[serde(default)]
    pub stock: Option<i64>,
    /// Lowest level allowed to redeem it.
    #[serde(default)]
    pub min_level: i64,
}

impl ShopItem {
    fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::En if !self.name_en.is_empty() => &self.name_en,
            _ => &self.name,
        }
    }
}

/// `[features.shop]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShopConfig {
    /// The shop is open in this community.
    pub enabled: bool,
    /// The catalogue (`[[features.shop.items]]`).
    pub items: Vec<ShopItem>,
}

impl Default for ShopConfig {
    fn default() -> ShopConfig {
        ShopConfig { enabled: true, items: Vec::new() }
    }
}

/// Orders listed by `/orders`.
const ORDERS_SHOWN: i64 = 20;

/// The shop commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        feature: "shop",
        name: "shop",
        sub: None,
        aliases: &["商店", "商城"],
        permission: Permission::Member,
        args: &[],
        run: list,
    },
    CommandSpec {
        feature: "shop",
        name: "redeem",
        sub: None,
        aliases: &["兑换"],
        permission: Permission::Member,
        args: &[ArgSpec::required("ITEM", ArgKind::Word)],
        run: redeem,
    },
    CommandSpec {
        feature: "shop",
        name: "orders",
        sub: None,
        aliases: &["订单"],
        permission: Permission::Moderator,
        args: &[],
        run: orders,
    },
    CommandSpec {
        feature: "shop",
        name: "orders",
        sub: Some("done"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ArgSpec::required("ID", ArgKind::Int { min: 1, max: i64::MAX })],
        run: done,
    },
    CommandSpec {
        feature: "shop",
        name: "orders",
        sub: Some("refund"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ArgSpec::required("ID", ArgKind::Int { min: 1, max: i64::MAX })],
        run: refund,
    },
];

fn list<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let items = &ctx.community.features.shop.items;
        if items.is_empty() {
            return Ok(vec![ctx.reply("shop-empty", &Args::new())]);
        }
        let mut lines = Vec::new();
        for item in items {
            let mut line = format!("{} — {} — {}", item.id, item.name(ctx.locale), item.price);
            let extra = match item.stock {
                Some(stock) => {
                    let left = stock.saturating_sub(ctx.store().sold(&ctx.community.id, &item.id).await?).max(0);
                    ctx.text("shop-left", &Args::new().num("left", left)).to_plain()
                }
                None => ctx.text("shop-unlimited", &Args::new()).to_plain(),
            };
            line.push_str(&format!(" · {extra}"));
            if item.min_level > 0 {
                line.push_str(&format!(
                    " · {}",
                    ctx.text("shop-min-level", &Args::new().num("level", item.min_level)).to_plain()
                ));
            }
            lines.push(line);
        }
        let mut body = ctx.text("shop-list", &Args::new());
        body.append(RichText::list(&lines));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

fn redeem<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let wanted = cmd.text("ITEM").unwrap_or_default();
        let Some(item) = ctx.community.features.shop.items.iter().find(|i| i.id.eq_ignore_ascii_case(wanted)) else {
            return Err(CommandError::member("shop-no-item", Args::new().str("item", wanted)));
        };
        if item.min_level > 0 {
            let b = ctx.store().balance(&ctx.community.id, ctx.member.id).await?;
            let level = progress(ctx.community.features.points.level_curve, b.contribution).level;
            if level < item.min_level {
                let args =
                    Args::new().str("item", item.name(ctx.locale)).num("need", item.min_level).num("level", level);
                return Err(CommandError::member("shop-level-too-low", args));
            }
        }
        let m = ctx.msg;
        let payment = Transfer {
            community: ctx.community.id.clone(),
            key: format!("redeem:{}:{}:{}", m.chat.platform, m.chat.id, m.message_id),
            kind: MovementKind::Redeem,
            reason: item.id.clone(),
            actor: Some(ctx.member.id),
            from: Owner::Member(ctx.member.id),
            to: Owner::Shop,
            amount: item.price,
            at: ctx.now,
        };
        let name = item.name(ctx.locale).to_owned();
        match ctx.store().redeem(&ctx.community.id, ctx.member.id, &item.id, item.stock, &payment).await? {
            RedeemOutcome::Ordered { order, balance } => Ok(vec![
                ctx.reply(
                    "shop-ordered",
                    &Args::new()
                        .str("item", name)
                        .num("order", order)
                        .num("price", item.price)
                        .num("balance", balance.balance),
                ),
            ]),
            RedeemOutcome::Duplicate => Ok(vec![ctx.reply("shop-duplicate", &Args::new())]),
            RedeemOutcome::OutOfStock => Err(CommandError::member("shop-out-of-stock", Args::new().str("item", name))),
            RedeemOutcome::Insufficient { balance } => Err(CommandError::member(
                "shop-insufficient",
                Args::new().str("item", name).num("price", item.price).num("balance", balance),
            )),
        }
    })
}

fn order_line(ctx: &Ctx<'_>, o: &Order) -> String {
    let when = o.created_at.with_timezone(&ctx.community.tz).format("%m-%d %H:%M");
    format!("#{} {} — {} — {} ({when})", o.id, o.member_name, o.item, o.price)
}

fn orders<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let open = ctx.store().orders(&ctx.community.id, Some("open"), ORDERS_SHOWN).await?;
        if open.is_empty() {
            return Ok(vec![ctx.reply("shop-orders-none", &Args::new())]);
        }
        let lines: Vec<String> = open.iter().map(|o| order_line(ctx, o)).collect();
        let mut body = ctx.text("shop-orders", &Args::new().num("count", open.len() as i64));
        body.append(RichText::list(&lines));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

async fn settle(ctx: &Ctx<'_>, cmd: &ParsedCommand, refund: bool) -> CommandResult {
    let id = cmd.int("ID").unwrap_or(0);
    let Some(order) = ctx.store().order(&ctx.community.id, id).await? else {
        return Err(CommandError::member("shop-order-unknown", Args::new().num("order", id)));
    };
    let transfer = refund.then(|| Transfer {
        community: ctx.community.id.clone(),
        key: format!("refund:order:{id}"),
        kind: MovementKind::Refund,
        reason: order.item.clone(),
        actor: Some(ctx.member.id),
        from: Owner::Shop,
        to: Owner::Member(order.member),
        amount: order.price,
        at: ctx.now,
    });
    match ctx.store().settle_order(&ctx.community.id, id, transfer.as_ref(), ctx.now).await? {
        SettleOutcome::Settled(o) => {
            let key = if refund { "shop-order-refunded" } else { "shop-order-done" };
            let args =
                Args::new().num("order", o.id).str("name", o.member_name).str("item", o.item).num("price", o.price);
            Ok(vec![ctx.reply(key, &args)])
        }
        SettleOutcome::NotFound => Err(CommandError::member("shop-order-unknown", Args::new().num("order", id))),
        SettleOutcome::AlreadySettled(o) => {
            let state = ctx.engine.prompts.plain(ctx.locale, &format!("shop-state-{}", o.state));
            Err(CommandError::member("shop-order-settled", Args::new().num("order", o.id).str("state", state)))
        }
    }
}

fn done<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(settle(ctx, cmd, false))
}

fn refund<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(settle(ctx, cmd, true))
}

impl ShopConfig {
    /// The ranges of `[features.shop]` (`prefix` names the section): every
    /// item costs something, and its stock and level are bounded.
    pub fn validate(&self, prefix: &str) -> Result<(), crate::config::ConfigError> {
        use crate::config::{MAX_POINTS, check_range};
        for (i, item) in self.items.iter().enumerate() {
            let item_prefix = format!("{prefix}.items[{i}]");
            check_range(&item_prefix, "price", item.price, 1..=MAX_POINTS)?;
            if let Some(stock) = item.stock {
                check_range(&item_prefix, "stock", stock, 0..=1_000_000)?;
            }
            check_range(&item_prefix, "min_level", item.min_level, 0..=crate::features::points::levels::MAX_LEVEL)?;
        }
        Ok(())
    }
}
