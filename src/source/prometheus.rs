//! The Prometheus HTTP API as a source of counts for `tcpstate fleet`: one instant query
//! (`GET /api/v1/query`, optionally at a given time) answered as a list of samples, each a
//! label set and a value. Every failure — a URL that is not one, a server that cannot be
//! reached, an answer that is not Prometheus's JSON, an error Prometheus reports (a bad
//! selector, a bad time) — is one [`PromError`] whose text is a single sentence.

use std::collections::BTreeMap;
use std::time::Duration;

/// The largest answer read from Prometheus (a fleet's series fit many times over).
const MAX_BODY: u64 = 64 << 20;

/// How long one query may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(30);

/// One sample of an instant vector: its labels (the metric name under `__name__`, when
/// Prometheus keeps it) and its value as Prometheus wrote it, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

impl Sample {
    /// A label's value, empty when absent (as PromQL treats it).
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Why a query gave no samples.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromError {
    #[error("--prometheus wants a URL such as http://prometheus:9090, not '{0}'")]
    BadUrl(String),
    #[error(
        "this tcpstate was built without https support (cargo feature `https`); use an http:// URL for {0}"
    )]
    NoHttps(String),
    #[error("cannot reach Prometheus at {url}: {why}")]
    Unreachable { url: String, why: String },
    #[error("Prometheus at {url} rejected the query {query}: {why}")]
    Rejected {
        url: String,
        query: String,
        why: String,
    },
    #[error("{url} did not answer as the Prometheus API does: {why}")]
    NotPrometheus { url: String, why: String },
}

/// A Prometheus server's HTTP API.
pub struct Prometheus {
    base: String,
    agent: ureq::Agent,
}

impl Prometheus {
    /// The API of the server at `url` (`http://host:9090`, with a path prefix if it is served
    /// under one). Only checks the URL; nothing is sent yet.
    pub fn new(url: &str) -> Result<Prometheus, PromError> {
        let base = url.trim().trim_end_matches('/').to_string();
        let rest = if let Some(r) = base.strip_prefix("http://") {
            r
        } else if let Some(r) = base.strip_prefix("https://") {
            if !cfg!(feature = "https") {
                return Err(PromError::NoHttps(base));
            }
            r
        } else {
            return Err(PromError::BadUrl(url.to_string()));
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
            return Err(PromError::BadUrl(url.to_string()));
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .user_agent(concat!("tcpstate/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Prometheus { base, agent })
    }

    /// The URL the server was given as.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Evaluate `query` as an instant vector, now or at `time` (RFC 3339 or unix seconds,
    /// passed to Prometheus as given).
    pub fn instant(&self, query: &str, time: Option<&str>) -> Result<Vec<Sample>, PromError> {
        let endpoint = format!("{}/api/v1/query", self.base);
        let mut req = self.agent.get(&endpoint).query("query", query);
        if let Some(t) = time {
            req = req.query("time", t);
        }
        let mut reply = req.call().map_err(|e| self.unreachable(e))?;
        let status = reply.status().as_u16();
        let body = reply
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| self.unreachable(e))?;
        parse_reply(status, &body).map_err(|e| match e {
            ReplyError::Rejected(why) => PromError::Rejected {
                url: self.base.clone(),
                query: query.to_string(),
                why,
            },
            ReplyError::Garbled(why) => PromError::NotPrometheus {
                url: self.base.clone(),
                why,
            },
        })
    }

    fn unreachable(&self, e: ureq::Error) -> PromError {
        let why = match e {
            ureq::Error::Io(io) => io_reason(&io),
            ureq::Error::HostNotFound => "the host name does not resolve".to_string(),
            ureq::Error::Timeout(_) => format!("no answer within {}s", TIMEOUT.as_secs()),
            ureq::Error::ConnectionFailed => "the connection failed".to_string(),
            ureq::Error::BadUri(u) => {
                return PromError::BadUrl(u);
            }
            other => other.to_string(),
        };
        PromError::Unreachable {
            url: self.base.clone(),
            why,
        }
    }
}

/// An I/O error in lower case without the `(os error N)` tail.
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => "input/output error".to_string(),
    }
}

/// What was wrong with an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ReplyError {
    /// Prometheus said the query failed, and why.
    Rejected(String),
    /// The answer is not the API's JSON.
    Garbled(String),
}

/// Read an API answer: `{"status": "success", "data": {"resultType": "vector", "result": […]}}`
/// or `{"status": "error", "error": "…"}`.
fn parse_reply(status: u16, body: &str) -> Result<Vec<Sample>, ReplyError> {
    let doc: serde_json::Value = match serde_json::from_str(body) {
        Ok(d) => d,
        Err(_) => {
            let first = body.lines().next().unwrap_or("").trim();
            let shown: String = first.chars().take(120).collect();
            return Err(ReplyError::Garbled(if shown.is_empty() {
                format!("HTTP status {status} with no JSON body")
            } else {
                format!("HTTP status {status}, not JSON: {shown}")
            }));
        }
    };
    if doc["status"] == "error" {
        let why = doc["error"].as_str().unwrap_or("no reason given");
        return Err(ReplyError::Rejected(why.replace('\n', " ")));
    }
    if doc["status"] != "success" {
        return Err(ReplyError::Garbled(format!(
            "HTTP status {status} without a \"status\" of success or error"
        )));
    }
    let kind = doc["data"]["resultType"].as_str().unwrap_or("");
    if kind != "vector" {
        return Err(ReplyError::Garbled(format!(
            "the result is a {kind:?}, not an instant vector"
        )));
    }
    let Some(result) = doc["data"]["result"].as_array() else {
        return Err(ReplyError::Garbled("the result is not a list".into()));
    };
    result.iter().map(sample).collect()
}

/// One `{"metric": {…}, "value": [time, "text"]}`.
fn sample(v: &serde_json::Value) -> Result<Sample, ReplyError> {
    let garbled = || ReplyError::Garbled(format!("a sample is not {{metric, value}}: {v}"));
    let labels = v["metric"]
        .as_object()
        .ok_or_else(garbled)?
        .iter()
        .map(|(k, l)| (k.clone(), l.as_str().unwrap_or("").to_string()))
        .collect();
    let text = v["value"][1].as_str().ok_or_else(garbled)?;
    // Prometheus writes NaN and ±Inf as words; Rust's parser reads them too.
    let value = text.parse::<f64>().map_err(|_| garbled())?;
    Ok(Sample { labels, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(Prometheus::new("http://127.0.0.1:9090").is_ok());
        assert!(Prometheus::new("http://prom.example/prometheus/").is_ok());
        for bad in [
            "127.0.0.1:9090",
            "ftp://x",
            "http://",
            "http://a b",
            "http://x?y=1",
        ] {
            assert!(
                matches!(Prometheus::new(bad), Err(PromError::BadUrl(_))),
                "{bad}"
            );
        }
        let p = Prometheus::new("http://h:9090/").unwrap();
        assert_eq!(p.url(), "http://h:9090");
    }

    #[test]
    fn replies() {
        let ok = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"__name__":"tcpstate_connections","state":"listen","instance":"a:1"},"value":[1.5,"3"]},
            {"metric":{"state":"close"},"value":[1.5,"NaN"]}]}}"#;
        let s = parse_reply(200, ok).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].label("state"), "listen");
        assert_eq!(s[0].label("netns"), "");
        assert_eq!(s[0].value, 3.0);
        assert!(s[1].value.is_nan());
        let err =
            r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected"}"#;
        assert_eq!(
            parse_reply(400, err),
            Err(ReplyError::Rejected("1:5: parse error: unexpected".into()))
        );
        assert!(matches!(
            parse_reply(404, "404 page not found\n"),
            Err(ReplyError::Garbled(m)) if m.contains("404 page not found")
        ));
        let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#;
        assert!(matches!(
            parse_reply(200, scalar),
            Err(ReplyError::Garbled(_))
        ));
    }

    #[test]
    fn io_reasons_read_as_a_sentence_part() {
        let e = std::io::Error::from_raw_os_error(111);
        assert_eq!(io_reason(&e), "connection refused");
    }
}
