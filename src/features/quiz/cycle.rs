//! The daily question: one per community per calendar day (the community's
//! time zone), chosen deterministically, with no repeat until every
//! eligible question has been the daily question once.
//!
//! The days already chosen are rows (`quiz_daily`: day, question, cycle).
//! A cycle is one pass over the bank. Today's question is, among the
//! eligible questions not yet used in the current cycle, the one with the
//! smallest stable hash of (community, cycle, question id); when none is
//! left a new cycle starts (and yesterday's question is not today's). So
//! each cycle is a fixed shuffle of the bank, two instances (or a retried
//! job) choose the same question, and questions added to the bank mid-cycle
//! join the current cycle. The row is inserted with `ON CONFLICT DO
//! NOTHING` and read back, so a race settles on one question.

/// A day already chosen, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Past<'a> {
    /// Its cycle.
    pub cycle: u32,
    /// Its question.
    pub question: &'a str,
}

/// Today's question and its cycle; `None` when nothing is eligible.
/// `pool` is the eligible questions (topics of `daily_topics`, with a
/// variant in the community's language), in any order.
pub fn pick<'a>(community: &str, pool: &[&'a str], history: &[Past<'_>]) -> Option<(u32, &'a str)> {
    let cycle = history.last().map_or(0, |p| p.cycle);
    let used = |id: &str| history.iter().any(|p| p.cycle == cycle && p.question == id);
    let best = |cycle: u32, skip: &dyn Fn(&str) -> bool| {
        let c = cycle.to_string();
        pool.iter().copied().filter(|id| !skip(id)).min_by_key(|id| (super::hash::hash_of(&[community, &c, id]), *id))
    };
    if let Some(id) = best(cycle, &used) {
        return Some((cycle, id));
    }
    let yesterday = history.last().map(|p| p.question);
    let next = cycle.saturating_add(1);
    best(next, &|id| pool.len() > 1 && Some(id) == yesterday).map(|id| (next, id))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Runs `days` days and returns the choices.
    fn run<'a>(community: &str, pool: &[&'a str], days: usize) -> Vec<(u32, &'a str)> {
        let mut picked: Vec<(u32, &'a str)> = Vec::new();
        for _ in 0..days {
            let history: Vec<Past<'_>> = picked.iter().map(|(c, q)| Past { cycle: *c, question: q }).collect();
            let Some(p) = pick(community, pool, &history) else { break };
            picked.push(p);
        }
        picked
    }

    const POOL: [&str; 7] = ["q1", "q2", "q3", "q4", "q5", "q6", "q7"];

    #[test]
    fn no_repeat_until_the_bank_is_used_up() {
        let days = run("pgcn", &POOL, 21);
        for cycle in 0..3u32 {
            let ids: HashSet<&str> = days.iter().filter(|(c, _)| *c == cycle).map(|(_, q)| *q).collect();
            assert_eq!(ids.len(), POOL.len(), "cycle {cycle}: {days:?}");
        }
        for pair in days.windows(2) {
            assert_ne!(pair[0].1, pair[1].1, "the same question two days running: {days:?}");
        }
    }

    #[test]
    fn the_choice_is_deterministic_and_ignores_pool_order() {
        let mut reversed = POOL;
        reversed.reverse();
        assert_eq!(run("pgcn", &POOL, 10), run("pgcn", &reversed, 10));
        // Another community gets another order (with these ids).
        assert_ne!(run("pgcn", &POOL, 7), run("other", &POOL, 7));
    }

    #[test]
    fn questions_added_mid_cycle_join_it() {
        let first = run("pgcn", &POOL, 3);
        let history: Vec<Past<'_>> = first.iter().map(|(c, q)| Past { cycle: *c, question: q }).collect();
        let bigger = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"];
        let mut picked = history.clone();
        for _ in 0..5 {
            let Some((c, q)) = pick("pgcn", &bigger, &picked) else { panic!("nothing") };
            assert_eq!(c, 0);
            picked.push(Past { cycle: c, question: q });
        }
        let ids: HashSet<&str> = picked.iter().map(|p| p.question).collect();
        assert_eq!(ids.len(), 8);
        assert_eq!(pick("pgcn", &bigger, &picked).map(|p| p.0), Some(1));
    }

    #[test]
    fn removed_questions_are_simply_not_chosen() {
        let history = [Past { cycle: 0, question: "gone" }];
        let p = pick("pgcn", &["q1"], &history);
        assert_eq!(p, Some((0, "q1")));
    }

    #[test]
    fn a_bank_of_one_repeats_and_an_empty_bank_has_no_daily_question() {
        assert_eq!(run("pgcn", &["only"], 3), vec![(0, "only"), (1, "only"), (2, "only")]);
        assert_eq!(pick("pgcn", &[], &[]), None);
    }
}
