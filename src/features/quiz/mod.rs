//! Quizzes: group trivia rounds with a timer, a private adaptive skill
//! assessment (段位测评) that places a member at a level per topic, a daily
//! question, and question banks in our own TOML format or as
//! Red-DiscordBot trivia lists.

pub mod answer;
pub mod bank;
pub mod config;
pub mod cycle;
pub mod export;
pub mod hash;
pub mod model;
pub mod red;
pub mod report;
pub mod walk;

use crate::features::{Feature, FeatureId, PromptFile};

pub use config::QuizConfig;

/// The quiz feature.
pub static FEATURE: Feature = Feature {
    requires: &[FeatureId::Points],
    ..Feature::new(
        FeatureId::Quiz,
        PromptFile {
            zh: include_str!("../../../prompts/zh/quiz.ftl"),
            en: include_str!("../../../prompts/en/quiz.ftl"),
        },
    )
};
