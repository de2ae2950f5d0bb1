//! The TCP domain, free of I/O: states and their spellings, the state machine, and what each
//! state means.

pub mod explain;
pub mod fsm;
pub mod state;
