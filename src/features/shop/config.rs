//! `[features.shop]`: the catalogue.

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, MAX_POINTS, check_range};
use crate::features::FeatureConfig;
use crate::i18n::Locale;

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
    /// Its name in `locale` (the Chinese one when there is no English one).
    pub(crate) fn name(&self, locale: Locale) -> &str {
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

impl FeatureConfig for ShopConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    /// Every item costs something, and its stock and level are bounded.
    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
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
