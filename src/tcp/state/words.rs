//! The state words that are not English, each with its locale and printer (net-tools'
//! translation catalogues, German Windows), and the states other systems list that Linux
//! listings do not (`BOUND`, `IDLE`), each with the Linux state it is counted as.
//! `TcpState::parse_word` reads them after the English spellings; the one word written as two
//! (Czech `POSLEDNÍ ACK`) is read from two fields by [`two_word_state`].

use super::{TcpState, fold};

/// A state word that is not English, or names a state Linux does not have: the word, the
/// state it is counted as, the locale (or system) that prints it and the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateWord {
    pub word: &'static str,
    pub state: TcpState,
    pub locale: &'static str,
    pub printer: &'static str,
}

const fn w(
    word: &'static str,
    state: TcpState,
    locale: &'static str,
    printer: &'static str,
) -> StateWord {
    StateWord {
        word,
        state,
        locale,
        printer,
    }
}

/// States other systems list and Linux listings do not, and the Linux state each is counted
/// (and listed) as: CLOSE, the state the Linux kernel holds such a socket in. A socket not yet
/// bound (Solaris `IDLE`) is where every socket starts; one bound to a port but neither
/// listening nor connected (Windows and Solaris `BOUND`) is CLOSE too, and only sock_diag,
/// when asked, tells it apart as BOUND_INACTIVE, which no listing shows by default — so a
/// capture's BOUND rows are counted where a default run counts, never dropped.
pub const STATES_WITHOUT_LINUX_NAME: &[StateWord] = &[
    w(
        "BOUND",
        TcpState::Close,
        "Windows, Solaris",
        "netstat -q, Get-NetTCPConnection, Solaris netstat",
    ),
    w("IDLE", TcpState::Close, "Solaris", "netstat"),
];

/// Translated state words, each with its locale and printer. net-tools' words are those of its
/// gettext catalogues (po/*.po, the msgstr of each tcp_state[] entry; ca, cs, de, pt_BR and sv
/// translate states, et, fr, ja and ka keep them in English, and there is no catalogue for
/// other languages); Czech `POSLEDNÍ ACK` (LAST_ACK) is two words in one column. Windows' words
/// are those seen in German `netstat -an`/`-ano`/`-t` captures, printed in the console's code
/// page (CP850: `ABHÖREN` is the byte 0x99 there) unless the console was switched to UTF-8;
/// other Windows languages seen in captures (French, Spanish, Italian, Polish, Russian,
/// Chinese) print the English words. `GESCHLOSSEN` (CLOSED) is the one German word not seen in
/// a capture: Windows lists closed sockets rarely.
pub const LOCALISED: &[StateWord] = &[
    // net-tools, ca
    w("ESTABLERT", TcpState::Established, "ca", "net-tools"),
    w("TEMPS", TcpState::TimeWait, "ca", "net-tools"),
    w("TANCA", TcpState::Close, "ca", "net-tools"),
    w("ESCOLTA", TcpState::Listen, "ca", "net-tools"),
    w("TANCAMENT", TcpState::Closing, "ca", "net-tools"),
    // net-tools, cs
    w("SPOJENO", TcpState::Established, "cs", "net-tools"),
    w("ZAVŘEN", TcpState::Close, "cs", "net-tools"),
    w("NASLOUCHÁ", TcpState::Listen, "cs", "net-tools"),
    w("ZAVÍRÁ", TcpState::Closing, "cs", "net-tools"),
    w("POSLEDNÍ ACK", TcpState::LastAck, "cs", "net-tools"),
    // net-tools, de
    w("VERBUNDEN", TcpState::Established, "de", "net-tools"),
    // net-tools, pt_BR (TIME_WAIT stays English)
    w("ESTABELECIDA", TcpState::Established, "pt_BR", "net-tools"),
    w("SYN_ENVIADO", TcpState::SynSent, "pt_BR", "net-tools"),
    w("SYN_RECEBIDO", TcpState::SynRecv, "pt_BR", "net-tools"),
    w("ESPERA_FIN1", TcpState::FinWait1, "pt_BR", "net-tools"),
    w("ESPERA_FIN2", TcpState::FinWait2, "pt_BR", "net-tools"),
    w("FECHAR", TcpState::Close, "pt_BR", "net-tools"),
    w(
        "ESPERANDO_FECHAR",
        TcpState::CloseWait,
        "pt_BR",
        "net-tools",
    ),
    w("ÚLTIMO_ACK", TcpState::LastAck, "pt_BR", "net-tools"),
    w("OUÇA", TcpState::Listen, "pt_BR", "net-tools"),
    w("FECHANDO", TcpState::Closing, "pt_BR", "net-tools"),
    // net-tools, sv
    w("ETABLERAD", TcpState::Established, "sv", "net-tools"),
    w("STÄNG", TcpState::Close, "sv", "net-tools"),
    w("STÄNG_VÄNTA", TcpState::CloseWait, "sv", "net-tools"),
    w("LYSSNAR", TcpState::Listen, "sv", "net-tools"),
    w("STÄNGER", TcpState::Closing, "sv", "net-tools"),
    // Windows, de-DE
    w(
        "HERGESTELLT",
        TcpState::Established,
        "de-DE",
        "Windows netstat",
    ),
    w("ABHÖREN", TcpState::Listen, "de-DE", "Windows netstat"),
    w("WARTEND", TcpState::TimeWait, "de-DE", "Windows netstat"),
    w(
        "FIN_WARTEN_2",
        TcpState::FinWait2,
        "de-DE",
        "Windows netstat",
    ),
    w(
        "SCHLIESSEN_WARTEN",
        TcpState::CloseWait,
        "de-DE",
        "Windows netstat",
    ),
    w("GESCHLOSSEN", TcpState::Close, "de-DE", "Windows netstat"),
];

/// The state a two-word spelling names (`POSLEDNÍ ACK` as two fields joined by a space), read
/// only against the table's words written as two words, so that two fields of a row which
/// merely fold into a state word together (`LAST` `ACK`) are not taken for one.
pub fn two_word_state(text: &str) -> Option<TcpState> {
    let mut buf = [0u8; 32];
    let folded = fold(text, &mut buf)?;
    LOCALISED
        .iter()
        .filter(|w| w.word.contains(' '))
        .find(|w| fold(w.word, &mut [0u8; 32]) == Some(folded))
        .map(|w| w.state)
}
