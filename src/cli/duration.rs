//! Every duration on the command line (`check --interval`, `serve --min-interval`,
//! `watch --interval/--history`, `trace --duration`) is read by this one parser with one
//! syntax: a number with a unit (`us`/`µs`, `ms`, `s`/`sec`, `m`/`min`, `h`, `d`), several
//! such terms added (`1h30m`, `1m 30s`), or a bare number of seconds (`1.5`). Each flag only
//! sets the range it accepts, through a `Bounds`, and says so in the same words.

use std::time::Duration;

/// The range a flag accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Shortest accepted; `Duration::ZERO` lets `0` through.
    pub min: Duration,
    pub max: Duration,
}

/// `check --interval`: two samples at least a millisecond and at most an hour apart.
pub const CHECK_INTERVAL: Bounds = Bounds {
    min: Duration::from_millis(1),
    max: Duration::from_secs(3600),
};

/// `serve --min-interval`: 0 (collect on every scrape) up to a day.
pub const SERVE_MIN_INTERVAL: Bounds = Bounds {
    min: Duration::ZERO,
    max: Duration::from_secs(86_400),
};

/// `watch --interval` and `--history`: 10 ms to a week.
pub const WATCH: Bounds = Bounds {
    min: Duration::from_millis(10),
    max: Duration::from_secs(7 * 86_400),
};

/// `trace --duration`: a millisecond to a year (0 would trace nothing, so it is refused as
/// `watch -n 0` is).
pub const TRACE: Bounds = Bounds {
    min: Duration::from_millis(1),
    max: Duration::from_secs(366 * 86_400),
};

/// Seconds per unit word.
fn unit_seconds(unit: &str) -> Option<f64> {
    Some(match unit {
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => return None,
    })
}

/// Human words for a duration limit (`10ms`, `1h`, `7d`).
fn limit_text(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        "0".into()
    } else if ms.is_multiple_of(86_400_000) {
        format!("{}d", ms / 86_400_000)
    } else if ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Parse `text` as a duration (syntax in the module's comment), without a range check.
pub fn parse(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "'{text}' is not a duration: write a number with a unit, like 500ms, 2s, 1.5s, 5m, 1h30m, or a bare number of seconds"
        )
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    let mut rest = t;
    let mut terms = 0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = rest[..unit_end].trim();
        rest = &rest[unit_end..];
        terms += 1;
        let scale = if unit.is_empty() {
            // A bare number is seconds, and only alone.
            if terms > 1 || !rest.is_empty() {
                return Err(bad());
            }
            1.0
        } else {
            unit_seconds(unit).ok_or_else(bad)?
        };
        total += n * scale;
    }
    if !total.is_finite() || total > 1e12 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
}

impl Bounds {
    /// Parse `text` and check it is within these bounds.
    pub fn parse(&self, text: &str) -> Result<Duration, String> {
        let d = parse(text)?;
        if d.is_zero() && !self.min.is_zero() {
            return Err(format!("'{text}': the duration must be longer than zero"));
        }
        if d < self.min {
            return Err(format!(
                "'{text}': the shortest duration accepted here is {}",
                limit_text(self.min)
            ));
        }
        if d > self.max {
            return Err(format!(
                "'{text}': the longest duration accepted here is {}",
                limit_text(self.max)
            ));
        }
        Ok(d)
    }
}

/// clap value parsers, one per flag's range.
pub fn check_interval(s: &str) -> Result<Duration, String> {
    CHECK_INTERVAL.parse(s)
}

pub fn serve_min_interval(s: &str) -> Result<Duration, String> {
    SERVE_MIN_INTERVAL.parse(s)
}

pub fn watch(s: &str) -> Result<Duration, String> {
    WATCH.parse(s)
}

pub fn trace(s: &str) -> Result<Duration, String> {
    TRACE.parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn one_syntax() {
        assert_eq!(parse("200ms"), Ok(ms(200)));
        assert_eq!(parse("1s"), Ok(ms(1000)));
        assert_eq!(parse("2"), Ok(ms(2000)));
        assert_eq!(parse("1.5"), Ok(ms(1500)));
        assert_eq!(parse("1.5s"), Ok(ms(1500)));
        assert_eq!(parse("5m"), Ok(ms(300_000)));
        assert_eq!(parse("1h30m"), Ok(ms(5_400_000)));
        assert_eq!(parse("1m 30s"), Ok(ms(90_000)));
        assert_eq!(parse("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse(" 0 "), Ok(Duration::ZERO));
        for bad in [
            "",
            "soon",
            "1x",
            "1 2",
            "-1s",
            "1e9",
            "5 parsecs",
            "s",
            "1s2",
            "..s",
        ] {
            assert!(parse(bad).is_err(), "{bad} parsed");
        }
        assert!(parse("soon").unwrap_err().contains("'soon'"));
    }

    #[test]
    fn ranges_per_flag() {
        assert!(check_interval("0s").is_err());
        assert!(check_interval("2h").is_err());
        assert_eq!(check_interval("500ms"), Ok(ms(500)));
        assert_eq!(serve_min_interval("0"), Ok(Duration::ZERO));
        assert!(serve_min_interval("2d").is_err());
        assert!(watch("1ms").unwrap_err().contains("10ms"));
        assert!(watch("30d").unwrap_err().contains("7d"));
        assert!(watch("0").unwrap_err().contains("longer than zero"));
        assert_eq!(trace("10s"), Ok(ms(10_000)));
        assert!(trace("0s").unwrap_err().contains("longer than zero"));
        assert!(trace("0").unwrap_err().contains("longer than zero"));
    }
}
