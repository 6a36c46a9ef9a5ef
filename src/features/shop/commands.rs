//! The shop commands: `/shop` · `/redeem ITEM` · `/orders` ·
//! `/orders done ID` · `/orders refund ID`.

use super::store::{Order, RedeemOutcome, SettleOutcome};
use super::{REDEEM, REFUND};
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::Command;
use crate::features::points::levels::progress;
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::ledger::{Owner, Transfer};
use crate::message::Outgoing;
use crate::rich::RichText;

/// The catalogue item to redeem.
const ITEM: ArgSpec = ArgSpec::required("ITEM", ArgKind::Word);
/// An order number.
const ORDER: ArgSpec = ArgSpec::required("ID", ArgKind::Int { min: 1, max: i64::MAX });

/// Orders listed by `/orders`.
const ORDERS_SHOWN: i64 = 20;

/// The shop commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "shop",
        sub: None,
        aliases: &["商店", "商城"],
        permission: Permission::Member,
        args: &[],
        run: Handler(list),
    },
    Command {
        name: "redeem",
        sub: None,
        aliases: &["兑换"],
        permission: Permission::Member,
        args: &[ITEM],
        run: Handler(redeem),
    },
    Command {
        name: "orders",
        sub: None,
        aliases: &["订单"],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(orders),
    },
    Command {
        name: "orders",
        sub: Some("done"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ORDER],
        run: Handler(done),
    },
    Command {
        name: "orders",
        sub: Some("refund"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ORDER],
        run: Handler(refund),
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
                    let left = stock.saturating_sub(ctx.store().shop().sold(&ctx.community.id, &item.id).await?).max(0);
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
        let wanted = cmd.required_text(&ITEM)?;
        let Some(item) = ctx.community.features.shop.items.iter().find(|i| i.id.eq_ignore_ascii_case(wanted)) else {
            return Err(CommandError::member("shop-no-item", Args::new().str("item", wanted)));
        };
        if item.min_level > 0 {
            let b = ctx.store().ledger().balance(&ctx.community.id, ctx.member.id).await?;
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
            kind: REDEEM,
            reason: item.id.clone(),
            actor: Some(ctx.member.id),
            from: Owner::Member(ctx.member.id),
            to: Owner::Shop,
            amount: item.price,
            at: ctx.now,
        };
        let name = item.name(ctx.locale).to_owned();
        match ctx.store().shop().redeem(&ctx.community.id, ctx.member.id, &item.id, item.stock, &payment).await? {
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
        let open = ctx.store().shop().orders(&ctx.community.id, Some("open"), ORDERS_SHOWN).await?;
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
    let id = cmd.required_int(&ORDER)?;
    let Some(order) = ctx.store().shop().order(&ctx.community.id, id).await? else {
        return Err(CommandError::member("shop-order-unknown", Args::new().num("order", id)));
    };
    let transfer = refund.then(|| Transfer {
        community: ctx.community.id.clone(),
        key: format!("refund:order:{id}"),
        kind: REFUND,
        reason: order.item.clone(),
        actor: Some(ctx.member.id),
        from: Owner::Shop,
        to: Owner::Member(order.member),
        amount: order.price,
        at: ctx.now,
    });
    match ctx.store().shop().settle_order(&ctx.community.id, id, transfer.as_ref(), ctx.now).await? {
        SettleOutcome::Settled(o) => {
            let key = if refund { "shop-order-refunded" } else { "shop-order-done" };
            let args =
                Args::new().num("order", o.id).str("name", o.member_name).str("item", o.item).num("price", o.price);
            Ok(vec![ctx.reply(key, &args)])
        }
        SettleOutcome::NotFound => Err(CommandError::member("shop-order-unknown", Args::new().num("order", id))),
        SettleOutcome::AlreadySettled(o) => {
            let state = ctx.engine.prompts().plain(ctx.locale, &format!("shop-state-{}", o.state));
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
