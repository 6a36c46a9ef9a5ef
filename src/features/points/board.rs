//! Leaderboard snapshots: `/top` and the rank that `/points` shows are read
//! from a snapshot of everyone's contribution per community and period, at
//! most [`MAX_AGE_SECS`] old (like MEE6's leaderboard), instead of ranking
//! every member of the community on every request. A snapshot is one query;
//! a board or a member's rank is then read from memory. The asker's own
//! figure is always fresh (`/top` and `/points` merge it in), and a
//! moderator's grant or deduction drops this engine's snapshots, so no two
//! replies contradict each other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

use super::store::Standing;
use crate::store::{MemberId, Store, StoreError};

/// How old a snapshot may be, in seconds, before the next request takes a
/// new one.
pub const MAX_AGE_SECS: i64 = 5;

/// Rows a board shows at most, however many tie (as the store's boards).
const BOARD_ROWS: usize = 30;

/// Everyone's contribution in one period, as of one moment.
#[derive(Debug)]
pub struct Snapshot {
    /// When it was taken (engine clock).
    taken: DateTime<Utc>,
    /// Members with points, highest first, then by member id, with their
    /// dense rank: (rank, member, name, points).
    rows: Vec<(i64, MemberId, String, i64)>,
    /// Distinct point values, highest first, with how many members hold each.
    values: Vec<(i64, usize)>,
    /// Each member's row.
    index: HashMap<MemberId, usize>,
}

impl Snapshot {
    fn new(taken: DateTime<Utc>, mut members: Vec<(MemberId, String, i64)>) -> Snapshot {
        members.retain(|m| m.2 > 0);
        members.sort_unstable_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let mut values: Vec<(i64, usize)> = Vec::new();
        let mut rows = Vec::with_capacity(members.len());
        for (member, name, points) in members {
            match values.last_mut() {
                Some(last) if last.0 == points => last.1 += 1,
                _ => values.push((points, 1)),
            }
            rows.push((values.len() as i64, member, name, points));
        }
        let index = rows.iter().enumerate().map(|(i, r)| (r.1, i)).collect();
        Snapshot { taken, rows, values, index }
    }

    /// The members ranked `limit` or better (dense ranks, at most 30 rows).
    pub fn top(&self, limit: i64) -> Vec<Standing> {
        self.rows
            .iter()
            .take_while(|r| r.0 <= limit)
            .take(BOARD_ROWS)
            .map(|(rank, member, name, points)| Standing {
                rank: *rank,
                member: *member,
                name: name.clone(),
                points: *points,
            })
            .collect()
    }

    /// As [`Snapshot::top`], with `member`'s figure replaced by a fresher
    /// one (`points`, under `name`): what the asker sees right after their
    /// own check-in or answer, without a new snapshot. Reads at most the
    /// rows shown.
    pub fn top_with(&self, limit: i64, member: MemberId, name: &str, points: i64) -> Vec<Standing> {
        let fresh = (points > 0).then(|| (member, name.to_owned(), points));
        let mut others = self.rows.iter().filter(|r| r.1 != member).map(|r| (r.1, r.2.clone(), r.3)).peekable();
        let mut fresh = fresh.into_iter().peekable();
        let mut out: Vec<Standing> = Vec::new();
        let mut rank = 0;
        let mut last = None;
        loop {
            let take_fresh = match (fresh.peek(), others.peek()) {
                (Some(f), Some(o)) => f.2 > o.2 || (f.2 == o.2 && f.0 < o.0),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let Some((member, name, points)) = (if take_fresh { fresh.next() } else { others.next() }) else {
                break;
            };
            if last != Some(points) {
                rank += 1;
                last = Some(points);
            }
            if rank > limit || out.len() >= BOARD_ROWS {
                break;
            }
            out.push(Standing { rank, member, name, points });
        }
        out
    }

    /// A member's place on this board, if they have points on it.
    pub fn standing(&self, member: MemberId) -> Option<Standing> {
        let (rank, member, name, points) = self.rows.get(*self.index.get(&member)?)?;
        Some(Standing { rank: *rank, member: *member, name: name.clone(), points: *points })
    }

    /// The dense rank `member` has with `points` (fresher than the
    /// snapshot) among everyone else as of the snapshot; 0 without points.
    pub fn rank_with(&self, member: MemberId, points: i64) -> i64 {
        if points <= 0 {
            return 0;
        }
        let own = self.index.get(&member).and_then(|i| self.rows.get(*i)).map(|r| r.3);
        let above =
            self.values.iter().take_while(|(v, _)| *v > points).filter(|(v, n)| !(Some(*v) == own && *n == 1)).count();
        above as i64 + 1
    }
}

/// A board: community, and the period's start (`None`: all time).
type BoardKey = (String, Option<DateTime<Utc>>);

/// The snapshots of one engine, by community and period start.
#[derive(Debug, Default)]
pub struct Boards {
    snapshots: Mutex<HashMap<BoardKey, Arc<Snapshot>>>,
    /// One snapshot taken at a time, so a burst of requests takes one.
    taking: tokio::sync::Mutex<()>,
}

impl Boards {
    /// The snapshot of `community`'s board since `since` (all time when
    /// `None`), taken now if the last one is older than [`MAX_AGE_SECS`].
    pub async fn get(
        &self,
        store: &Store,
        community: &str,
        since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Arc<Snapshot>, StoreError> {
        let key = (community.to_owned(), since);
        let fresh = |s: &Snapshot| s.taken <= now && now - s.taken < Duration::seconds(MAX_AGE_SECS);
        if let Some(s) = self.cached(&key).filter(|s| fresh(s)) {
            return Ok(s);
        }
        let _one = self.taking.lock().await;
        if let Some(s) = self.cached(&key).filter(|s| fresh(s)) {
            return Ok(s);
        }
        let snapshot = Arc::new(Snapshot::new(now, store.points().board_points(community, since).await?));
        let mut all = self.snapshots.lock().unwrap_or_else(PoisonError::into_inner);
        // Week and month boards of past periods are not asked for again.
        all.retain(|_, s| now - s.taken < Duration::hours(1));
        all.insert(key, snapshot.clone());
        Ok(snapshot)
    }

    /// Drops `community`'s snapshots: a moderator moved contribution, and
    /// the next board is taken fresh.
    pub fn invalidate(&self, community: &str) {
        self.snapshots.lock().unwrap_or_else(PoisonError::into_inner).retain(|(c, _), _| c != community);
    }

    fn cached(&self, key: &BoardKey) -> Option<Arc<Snapshot>> {
        self.snapshots.lock().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(points: &[i64]) -> Snapshot {
        let members =
            points.iter().enumerate().map(|(i, p)| (MemberId(i as i64 + 1), format!("m{}", i + 1), *p)).collect();
        Snapshot::new(Utc::now(), members)
    }

    #[test]
    fn dense_ranks_with_ties() {
        let s = snap(&[300, 500, 500, 0, 380, 290]);
        let top: Vec<(i64, i64)> = s.top(3).iter().map(|r| (r.rank, r.member.0)).collect();
        assert_eq!(top, [(1, 2), (1, 3), (2, 5), (3, 1)]);
        assert_eq!(s.standing(MemberId(6)).map(|r| r.rank), Some(4));
        assert_eq!(s.standing(MemberId(4)), None, "no points, not on the board");
    }

    #[test]
    fn the_askers_fresh_figure_is_merged_into_the_board() {
        let s = snap(&[500, 400, 300]);
        let shown = |rows: Vec<Standing>| rows.iter().map(|r| (r.rank, r.member.0, r.points)).collect::<Vec<_>>();
        assert_eq!(shown(s.top_with(3, MemberId(3), "m3", 450)), [(1, 1, 500), (2, 3, 450), (3, 2, 400)]);
        assert_eq!(shown(s.top_with(10, MemberId(9), "new", 20)), [(1, 1, 500), (2, 2, 400), (3, 3, 300), (4, 9, 20)]);
        assert_eq!(shown(s.top_with(2, MemberId(9), "new", 400)), [(1, 1, 500), (2, 2, 400), (2, 9, 400)], "a tie");
        assert_eq!(shown(s.top_with(10, MemberId(1), "m1", 0)), [(1, 2, 400), (2, 3, 300)], "spent down to nothing");
        assert_eq!(shown(snap(&[]).top_with(10, MemberId(1), "m1", 5)), [(1, 1, 5)], "first on an empty board");
        let top = s.top_with(10, MemberId(9), "new", 20);
        assert_eq!(
            top.iter().map(|r| r.rank).collect::<Vec<_>>(),
            s.top(10).iter().map(|r| r.rank).chain([4]).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_fresher_total_ranks_against_the_others() {
        let s = snap(&[500, 400, 300]);
        assert_eq!(s.rank_with(MemberId(3), 300), 3);
        assert_eq!(s.rank_with(MemberId(3), 450), 2, "earned since the snapshot");
        assert_eq!(s.rank_with(MemberId(1), 350), 2, "own older total does not count against them");
        assert_eq!(s.rank_with(MemberId(9), 10), 4, "a newcomer");
        assert_eq!(s.rank_with(MemberId(9), 0), 0);
        let tied = snap(&[500, 500]);
        assert_eq!(tied.rank_with(MemberId(1), 400), 2, "the other 500 still counts");
    }
}
