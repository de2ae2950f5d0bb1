//! `Netns` for test bodies: the `tcpstate-population` namespace (everything it does is
//! reachable through `Deref`) with the tests' policy on top: `new` and `with_tools` skip the
//! test with a reason (a failure under `TCPSTATE_REQUIRE_NETNS=1`) when this process is not
//! root or a tool is missing, and `inside` runs a closure in the namespace, panicking if it
//! cannot.

use std::ops::Deref;

use super::{is_root, require_tool, skip};

/// A throw-away network namespace for one test, deleted on drop.
#[derive(Debug)]
pub struct Netns(tcpstate_population::Netns);

impl Netns {
    /// Creates the namespace, or says on stderr why it cannot (not root, no `ip`, creation
    /// refused) and returns `None`, so a test does
    /// `let Some(ns) = Netns::new("x") else { return };`.
    pub fn new(tag: &str) -> Option<Netns> {
        if !is_root() {
            skip("needs root to create network namespaces");
            return None;
        }
        if !require_tool("ip") {
            return None;
        }
        match tcpstate_population::Netns::create(tag) {
            Ok(ns) => Some(Netns(ns)),
            Err(e) => {
                skip(&format!("cannot create a network namespace: {e:#}"));
                None
            }
        }
    }

    /// `Netns::new`, and also every program of `tools` on `PATH`; otherwise says why (as
    /// `require_tool` does) and returns `None`:
    /// `let Some(ns) = Netns::with_tools("x", &["ss", "nft"]) else { return };`.
    pub fn with_tools(tag: &str, tools: &[&str]) -> Option<Netns> {
        let ns = Netns::new(tag)?;
        tools.iter().all(|tool| require_tool(tool)).then_some(ns)
    }

    /// Runs `f` on a thread in the namespace and returns its result, panicking if the thread
    /// cannot join the namespace.
    pub fn inside<R, F>(&self, f: F) -> R
    where
        F: FnOnce() -> R + Send,
        R: Send,
    {
        self.within(f)
            .unwrap_or_else(|e| panic!("cannot run in {}: {e:#}", self.name()))
    }
}

impl Deref for Netns {
    type Target = tcpstate_population::Netns;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
