//! The people of the feature tests and their group: Mo moderates (in the
//! tests' configs), alice to erin are members, all on Telegram.

use jixia::{Chat, Platform};

use super::Who;

/// The group the conversations happen in.
pub fn group() -> Chat {
    Chat::group(Platform::Telegram, "-1001")
}

/// The moderator (`telegram:9` in the tests' configs).
pub fn mo() -> Who {
    Who::telegram("9", "Mo")
}

/// A member.
pub fn alice() -> Who {
    Who::telegram("1", "alice")
}

/// A member.
pub fn bob() -> Who {
    Who::telegram("2", "bob")
}

/// A member.
pub fn carol() -> Who {
    Who::telegram("3", "carol")
}

/// A member.
pub fn dave() -> Who {
    Who::telegram("4", "dave")
}

/// A member.
pub fn erin() -> Who {
    Who::telegram("5", "erin")
}
