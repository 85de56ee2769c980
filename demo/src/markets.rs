//! The six demo markets: currency, time zone, local price level and fulfilment speed.
//!
//! Amounts are stored in ISO 4217 minor units: JPY has none (exponent 0, amounts are yen), IDR
//! officially has two decimals that nobody uses, so rupiah prices are whole thousands of rupiah
//! stored x100. Prices are rounded the way each market writes them ($24.99, £19.99, Rp49.000,
//! ฿199, ¥1,980, 149.95 SAR).

/// How a category is positioned on price, which markets then scale differently: US and GB pay
/// more for distinctive goods, ID and TH favour value, SA favours luxury and electronics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PriceClass {
    Everyday,
    Premium,
    Value,
    Luxury,
    Electronics,
}

/// How a market writes a shelf price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rounding {
    /// Whole units minus one minor unit: 24.99.
    NinetyNine,
    /// Whole units minus five minor units: 149.95.
    NinetyFive,
    /// Whole units ending in 9 above 50: 199.
    EndsInNine,
    /// Tens, and x,980 above 1,000: 1,980.
    Yen,
    /// Whole thousands of rupiah: Rp49.000.
    Rupiah,
}

/// One market and the levers that make its synthetic data look local.
#[derive(Debug)]
pub(super) struct Market {
    pub code: &'static str,
    pub name: &'static str,
    pub currency: &'static str,
    pub time_zone: &'static str,
    /// Standard UTC offset in hours (DST ignored), to put activity in local evenings.
    pub utc_offset_hours: i64,
    /// Minor units per major unit (10^exponent).
    minor_per_major: f64,
    /// Local currency per US dollar.
    fx_per_usd: f64,
    /// Overall price level against the US.
    price_level: f64,
    /// Extra multiplier by price class: (premium, value, luxury, electronics).
    class_bias: [f64; 4],
    rounding: Rounding,
    /// Relative size of the market's creator and shop population.
    pub size: f64,
    /// Promised delivery, days after the order.
    pub promise_days: i64,
    /// Typical carrier transit time, days.
    pub transit_days: f64,
}

/// The demo markets, in a fixed order (their index is used throughout the generator).
pub(super) const MARKETS: &[Market] = &[
    Market {
        code: "US",
        name: "United States",
        currency: "USD",
        time_zone: "America/New_York",
        utc_offset_hours: -5,
        minor_per_major: 100.0,
        fx_per_usd: 1.0,
        price_level: 1.0,
        class_bias: [1.25, 1.0, 1.1, 1.0],
        rounding: Rounding::NinetyNine,
        size: 0.30,
        promise_days: 5,
        transit_days: 2.5,
    },
    Market {
        code: "GB",
        name: "United Kingdom",
        currency: "GBP",
        time_zone: "Europe/London",
        utc_offset_hours: 0,
        minor_per_major: 100.0,
        fx_per_usd: 0.79,
        price_level: 0.95,
        class_bias: [1.2, 1.0, 1.1, 1.0],
        rounding: Rounding::NinetyNine,
        size: 0.13,
        promise_days: 4,
        transit_days: 2.0,
    },
    Market {
        code: "ID",
        name: "Indonesia",
        currency: "IDR",
        time_zone: "Asia/Jakarta",
        utc_offset_hours: 7,
        minor_per_major: 100.0,
        fx_per_usd: 16_000.0,
        price_level: 0.45,
        class_bias: [0.8, 0.8, 0.7, 0.9],
        rounding: Rounding::Rupiah,
        size: 0.20,
        promise_days: 7,
        transit_days: 3.5,
    },
    Market {
        code: "TH",
        name: "Thailand",
        currency: "THB",
        time_zone: "Asia/Bangkok",
        utc_offset_hours: 7,
        minor_per_major: 100.0,
        fx_per_usd: 35.0,
        price_level: 0.5,
        class_bias: [0.85, 0.85, 0.75, 0.95],
        rounding: Rounding::EndsInNine,
        size: 0.14,
        promise_days: 6,
        transit_days: 3.0,
    },
    Market {
        code: "JP",
        name: "Japan",
        currency: "JPY",
        time_zone: "Asia/Tokyo",
        utc_offset_hours: 9,
        minor_per_major: 1.0,
        fx_per_usd: 150.0,
        price_level: 0.9,
        class_bias: [1.0, 1.0, 1.0, 1.0],
        rounding: Rounding::Yen,
        size: 0.11,
        promise_days: 3,
        transit_days: 1.5,
    },
    Market {
        code: "SA",
        name: "Saudi Arabia",
        currency: "SAR",
        time_zone: "Asia/Riyadh",
        utc_offset_hours: 3,
        minor_per_major: 100.0,
        fx_per_usd: 3.75,
        price_level: 0.95,
        class_bias: [1.1, 1.0, 1.5, 1.3],
        rounding: Rounding::NinetyFive,
        size: 0.12,
        promise_days: 6,
        transit_days: 3.0,
    },
];

impl Market {
    /// The local shelf price, in minor units, of an item worth `usd` in the US before the
    /// market's price level and the class bias apply. Never below the smallest sensible price.
    pub fn shelf_price_minor(&self, usd: f64, class: PriceClass) -> i64 {
        let bias = match class {
            PriceClass::Everyday => 1.0,
            PriceClass::Premium => self.class_bias[0],
            PriceClass::Value => self.class_bias[1],
            PriceClass::Luxury => self.class_bias[2],
            PriceClass::Electronics => self.class_bias[3],
        };
        let major = (usd * self.price_level * bias * self.fx_per_usd).max(0.0);
        let m = self.minor_per_major;
        let minor = match self.rounding {
            Rounding::NinetyNine => major.round().max(1.0) * m - 1.0,
            Rounding::NinetyFive => major.round().max(1.0) * m - 5.0,
            Rounding::EndsInNine if major >= 50.0 => ((major / 10.0).round() * 10.0 - 1.0) * m,
            Rounding::EndsInNine => major.round().max(1.0) * m,
            Rounding::Yen if major >= 1_000.0 => (major / 100.0).ceil() * 100.0 - 20.0,
            Rounding::Yen => ((major / 10.0).round() * 10.0).max(10.0),
            Rounding::Rupiah => (major / 1_000.0).round().max(1.0) * 1_000.0 * m,
        };
        minor as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market(code: &str) -> &'static Market {
        MARKETS
            .iter()
            .find(|m| m.code == code)
            .expect("known market")
    }

    #[test]
    fn prices_follow_local_conventions() {
        assert_eq!(
            market("US").shelf_price_minor(25.2, PriceClass::Everyday),
            2_499
        );
        assert_eq!(
            market("SA").shelf_price_minor(10.0, PriceClass::Everyday),
            3_595
        );
        // 9 USD of kitchen gadgets in Indonesia: 0.45 * 0.8 * 9 * 16,000 = Rp51,840 -> Rp52.000.
        assert_eq!(
            market("ID").shelf_price_minor(9.0, PriceClass::Value),
            5_200_000
        );
        // 20 USD in Japan: 2,700 yen -> 2,680 (up to the hundred, minus 20).
        assert_eq!(
            market("JP").shelf_price_minor(20.0, PriceClass::Everyday),
            2_680
        );
        assert_eq!(
            market("TH").shelf_price_minor(20.0, PriceClass::Everyday),
            34_900
        );
    }

    #[test]
    fn luxury_costs_more_in_saudi_arabia_than_in_thailand() {
        let sa = market("SA").shelf_price_minor(500.0, PriceClass::Luxury) as f64 / 375.0;
        let th = market("TH").shelf_price_minor(500.0, PriceClass::Luxury) as f64 / 3_500.0;
        assert!(sa > 2.0 * th, "SA {sa} USD vs TH {th} USD");
    }
}
