//! The thresholds file of `check --config`: TOML sections per rule (see the README's "Health
//! check" section) applied over the defaults. Unknown keys are refused; an error is one
//! sentence naming the file and line.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::thresholds::{Level, Limit, Thresholds};
use crate::tcp::state::TcpState;

impl Thresholds {
    /// Apply a TOML configuration (see the README's "Health check" section).
    pub fn apply_toml(&mut self, text: &str, file: &Path) -> Result<(), ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::at(file, text, &e))?;
        let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
        // Each state once: two spellings of one state (close_wait and CLOSE-WAIT) would
        // leave one of them silently unused.
        let mut seen: Vec<(TcpState, String, usize)> = Vec::new();
        for (key, l) in &cfg.states {
            let line = line_of(key.span().start);
            let state = key.get_ref().parse::<TcpState>().map_err(|e| ConfigError {
                message: format!("{}:{line}: {e}", file.display()),
            })?;
            if let Some((_, other, other_line)) = seen.iter().find(|(s, ..)| *s == state) {
                let mut both = [
                    (other.as_str(), *other_line),
                    (key.get_ref().as_str(), line),
                ];
                both.sort_by_key(|b| b.1);
                let [(a, la), (b, lb)] = both;
                return Err(ConfigError {
                    message: format!(
                        "{}:{lb}: [states] names {} twice: '{a}' (line {la}) and '{b}' (line {lb}); keep one",
                        file.display(),
                        state.ss_name(),
                    ),
                });
            }
            seen.push((state, key.get_ref().clone(), line));
            l.apply(self.state_mut(state));
        }
        if let Some(s) = cfg.ephemeral_ports {
            s.tuple.apply(&mut self.ephemeral_tuple);
        }
        if let Some(s) = cfg.time_wait {
            s.buckets.apply(&mut self.tw_buckets);
            s.overflow.apply(&mut self.tw_overflow);
        }
        if let Some(s) = cfg.conntrack {
            s.fill.apply(&mut self.conntrack_fill);
            s.insert_failed.apply(&mut self.conntrack_insert_failed);
            s.drop.apply(&mut self.conntrack_drop);
            s.stale.apply(&mut self.conntrack_stale);
            s.lost.apply(&mut self.conntrack_lost);
        }
        if let Some(s) = cfg.close_wait {
            s.persistent.apply(&mut self.close_wait_persistent);
        }
        if let Some(s) = cfg.syn_backlog {
            s.listener.apply(&mut self.syn_backlog);
            s.syncookies_sent.apply(&mut self.syncookies_sent);
            s.listen_drops.apply(&mut self.listen_drops);
        }
        if let Some(s) = cfg.accept_queue {
            s.listener.apply(&mut self.accept_queue);
            s.listen_overflows.apply(&mut self.listen_overflows);
        }
        if let Some(s) = cfg.orphans {
            s.max_orphans.apply(&mut self.orphans);
        }
        if let Some(s) = cfg.memory {
            if let Some(p) = s.pressure {
                self.memory_pressure = p;
            }
            s.tcp_mem.apply(&mut self.memory);
        }
        if let Some(s) = cfg.stuck_queues {
            if let Some(b) = s.bytes {
                self.stuck_bytes = b;
            }
            s.sockets.apply(&mut self.stuck_sockets);
        }
        if let Some(s) = cfg.slow_peers {
            s.rtt_p99_ms.apply(&mut self.peer_rtt_p99_ms);
            s.retrans_share.apply(&mut self.peer_retrans);
            if let Some(b) = s.min_bytes {
                self.peer_min_bytes = b;
            }
        }
        if let Some(s) = cfg.listener_drops {
            s.increase.apply(&mut self.listener_drops);
        }
        if let Some(s) = cfg.sndbuf_limited {
            s.sockets.apply(&mut self.sndbuf_limited);
        }
        if let Some(s) = cfg.peer_retransmits {
            s.per_second.apply(&mut self.peer_retransmits);
        }
        if let Some(s) = cfg.kernel_drops {
            s.per_second.apply(&mut self.kernel_drops);
            if let Some(i) = s.ignore {
                self.drops_ignored = i;
            }
        }
        if let Some(s) = cfg.resets_sent {
            s.per_second.apply(&mut self.resets_sent);
        }
        Ok(())
    }
}

/// A bad configuration file, as one sentence with `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
}

impl ConfigError {
    fn at(file: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let what = e.message().trim().trim_end_matches('.').replace('\n', "; ");
        let message = match line {
            Some(l) => format!("{}:{l}: {what}", file.display()),
            None => format!("{}: {what}", file.display()),
        };
        ConfigError { message }
    }
}

/// A level as the file writes it: `100`, `"80%"`, `"off"`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ThresholdSetting(Option<Level>);

impl<'de> Deserialize<'de> for ThresholdSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ThresholdSetting, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ThresholdSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a count (100), a share (\"80%\") or \"off\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ThresholdSetting, E> {
                u64::try_from(v)
                    .map(|n| ThresholdSetting(Some(Level::Count(n))))
                    .map_err(|_| E::custom(format!("a threshold cannot be negative ({v})")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ThresholdSetting, E> {
                Ok(ThresholdSetting(Some(Level::Count(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ThresholdSetting, E> {
                Level::parse(v).map(ThresholdSetting).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// `{ warn = …, crit = … }`; a level left out keeps its default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitSetting {
    warn: Option<ThresholdSetting>,
    crit: Option<ThresholdSetting>,
}

impl LimitSetting {
    fn apply(&self, l: &mut Limit) {
        if let Some(w) = self.warn {
            l.warn = w.0;
        }
        if let Some(c) = self.crit {
            l.crit = c.0;
        }
    }
}

trait ApplyOpt {
    fn apply(&self, l: &mut Limit);
}

impl ApplyOpt for Option<LimitSetting> {
    fn apply(&self, l: &mut Limit) {
        if let Some(s) = self {
            s.apply(l);
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    states: std::collections::BTreeMap<toml::Spanned<String>, LimitSetting>,
    ephemeral_ports: Option<EphemeralSection>,
    time_wait: Option<TimeWaitSection>,
    conntrack: Option<ConntrackSection>,
    close_wait: Option<CloseWaitSection>,
    syn_backlog: Option<SynBacklogSection>,
    accept_queue: Option<AcceptQueueSection>,
    orphans: Option<OrphansSection>,
    memory: Option<MemorySection>,
    stuck_queues: Option<StuckSection>,
    slow_peers: Option<SlowPeersSection>,
    listener_drops: Option<ListenerDropsSection>,
    sndbuf_limited: Option<SndbufSection>,
    peer_retransmits: Option<RateSection>,
    kernel_drops: Option<DropsSection>,
    resets_sent: Option<RateSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateSection {
    per_second: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DropsSection {
    per_second: Option<LimitSetting>,
    ignore: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlowPeersSection {
    rtt_p99_ms: Option<LimitSetting>,
    retrans_share: Option<LimitSetting>,
    min_bytes: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListenerDropsSection {
    increase: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SndbufSection {
    sockets: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EphemeralSection {
    tuple: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConntrackSection {
    fill: Option<LimitSetting>,
    insert_failed: Option<LimitSetting>,
    drop: Option<LimitSetting>,
    stale: Option<LimitSetting>,
    lost: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeWaitSection {
    buckets: Option<LimitSetting>,
    overflow: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseWaitSection {
    persistent: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynBacklogSection {
    listener: Option<LimitSetting>,
    syncookies_sent: Option<LimitSetting>,
    listen_drops: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptQueueSection {
    listener: Option<LimitSetting>,
    listen_overflows: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrphansSection {
    max_orphans: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemorySection {
    pressure: Option<bool>,
    tcp_mem: Option<LimitSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StuckSection {
    bytes: Option<u64>,
    sockets: Option<LimitSetting>,
}
