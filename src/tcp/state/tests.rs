//! The state table's own checks: every spelling parses back, the groups, the orders.

use super::*;

#[test]
fn every_spelling_parses_back() {
    for s in TcpState::ALL {
        for name in [
            s.netstat_name(),
            s.ss_name(),
            s.rfc_name(),
            s.bsd_name(),
            s.windows_name(),
            s.key(),
        ] {
            let p = TcpState::parse_word(name).unwrap();
            // The spelling names the same state, up to what that tool can tell apart.
            let same = p == s
                || p.reported() == s.reported()
                || (matches!(p, TcpState::Close) && matches!(s, TcpState::BoundInactive));
            assert!(same, "{name} parsed as {p:?}, wanted {s:?}");
        }
    }
}

#[test]
fn case_and_separators_do_not_matter() {
    for w in [
        "time_wait",
        "Time_wait",
        "TIME-WAIT",
        "timewait",
        "Time Wait",
    ] {
        assert_eq!(TcpState::parse_word(w), Some(TcpState::TimeWait));
    }
    assert_eq!(TcpState::parse_word("FIN_WAIT_1"), Some(TcpState::FinWait1));
    assert_eq!(TcpState::parse_word("SYN_RCVD"), Some(TcpState::SynRecv));
    assert_eq!(
        TcpState::parse_word("VERBUNDEN"),
        Some(TcpState::Established)
    );
    assert_eq!(TcpState::parse_word("abhören"), Some(TcpState::Listen));
    assert_eq!(TcpState::parse_word("Foreign"), None);
    assert_eq!(TcpState::parse_word("established)"), None);
    assert_eq!(TcpState::parse_word(""), None);
}

#[test]
fn kernel_numbers_round_trip() {
    for s in TcpState::ALL {
        assert_eq!(TcpState::from_kernel(s.kernel()), Some(s));
    }
    assert_eq!(TcpState::from_kernel(0), None);
    assert_eq!(TcpState::from_kernel(14), None);
}

#[test]
fn groups() {
    let conn = StateSet::connected();
    assert!(conn.contains(TcpState::Established));
    assert!(conn.contains(TcpState::SynSent));
    assert!(!conn.contains(TcpState::Listen));
    assert!(conn.contains(TcpState::TimeWait));
    assert!(!conn.contains(TcpState::Close));
    assert!(!StateSet::synchronized().contains(TcpState::SynSent));
    assert!(StateSet::bucket().contains(TcpState::NewSynRecv));
    assert_eq!(StateSet::ALL.bits(), 0xffe);
    assert_eq!(
        StateSet::parse("closing").unwrap(),
        StateSet::of(&[TcpState::Closing])
    );
    assert_eq!(StateSet::parse("closing-all").unwrap().iter().count(), 6);
    let e = StateSet::parse("established,bogus").unwrap_err();
    assert!(e.to_string().contains("'bogus'"));
    assert!(e.to_string().contains("valid states"));
}

#[test]
fn the_orders_are_views_of_one_order() {
    use TcpState as S;
    assert_eq!(
        TcpState::REPORTED,
        [
            S::Established,
            S::SynSent,
            S::SynRecv,
            S::FinWait1,
            S::FinWait2,
            S::TimeWait,
            S::Close,
            S::CloseWait,
            S::LastAck,
            S::Listen,
            S::Closing,
            S::BoundInactive,
        ]
    );
    assert_eq!(
        TcpState::MACHINE,
        [
            S::Close,
            S::Listen,
            S::SynSent,
            S::SynRecv,
            S::Established,
            S::FinWait1,
            S::FinWait2,
            S::Closing,
            S::TimeWait,
            S::CloseWait,
            S::LastAck,
        ]
    );
    assert_eq!(
        TcpState::LIFE_CYCLE_ENDING_CLOSED,
        [
            S::Listen,
            S::SynSent,
            S::SynRecv,
            S::Established,
            S::FinWait1,
            S::FinWait2,
            S::Closing,
            S::TimeWait,
            S::CloseWait,
            S::LastAck,
            S::Close,
            S::BoundInactive,
        ]
    );
    let mut life = TcpState::LIFE_CYCLE.to_vec();
    life.sort();
    assert_eq!(life, TcpState::ALL);
}

#[test]
fn localised_and_foreign_words_parse_to_their_state() {
    for w in LOCALISED.iter().chain(STATES_WITHOUT_LINUX_NAME) {
        assert_eq!(TcpState::parse_word(w.word), Some(w.state), "{w:?}");
        assert_eq!(
            TcpState::parse_word(&w.word.to_lowercase()),
            Some(w.state),
            "{w:?}"
        );
        // No translated word shadows an English spelling of another state.
        assert!(!w.locale.is_empty() && !w.printer.is_empty());
    }
    assert_eq!(TcpState::parse_word("OUÇA"), Some(TcpState::Listen));
    assert_eq!(
        TcpState::parse_word("ESPERANDO_FECHAR"),
        Some(TcpState::CloseWait)
    );
    assert_eq!(
        TcpState::parse_word("SCHLIESSEN_WARTEN"),
        Some(TcpState::CloseWait)
    );
    // PowerShell's Get-NetTCPConnection spells states in CamelCase.
    for (w, s) in [
        ("Listen", TcpState::Listen),
        ("TimeWait", TcpState::TimeWait),
        ("CloseWait", TcpState::CloseWait),
        ("FinWait2", TcpState::FinWait2),
        ("SynReceived", TcpState::SynRecv),
        ("Bound", TcpState::Close),
        ("DeleteTCB", TcpState::Close),
        ("IDLE", TcpState::Close),
    ] {
        assert_eq!(TcpState::parse_word(w), Some(s), "{w}");
    }
}

#[test]
fn unknown_state_is_counted_never_guessed() {
    // Out of every order of real states, and no word names it.
    for order in [&TcpState::ALL[..], &TcpState::REPORTED, &TcpState::MACHINE] {
        assert!(!order.contains(&TcpState::Unknown));
    }
    assert!(!TcpState::LIFE_CYCLE.contains(&TcpState::Unknown));
    assert_eq!(TcpState::parse_word("unknown"), None);
    assert_eq!(TcpState::from_kernel(0), None);
    // Counted: slot 0, the last summary row.
    assert_eq!(TcpState::from_slot(0), Some(TcpState::Unknown));
    assert_eq!(TcpState::from_slot(10), Some(TcpState::Listen));
    assert_eq!(TcpState::from_slot(STATE_SLOTS), None);
    assert_eq!(TcpState::COUNTED[..12], TcpState::REPORTED);
    assert_eq!(TcpState::COUNTED[12], TcpState::Unknown);
    // A set holds it only when it holds every state a listing shows.
    assert!(StateSet::ALL.contains(TcpState::Unknown));
    assert!(StateSet::parse("all").unwrap().contains(TcpState::Unknown));
    for named in ["established", "connected", "closing-all", "big"] {
        assert!(
            !StateSet::parse(named).unwrap().contains(TcpState::Unknown),
            "{named}"
        );
    }
    assert!(
        !StateSet::ALL
            .without(TcpState::Listen)
            .contains(TcpState::Unknown)
    );
    assert!(!StateSet::EMPTY.contains(TcpState::Unknown));
}
