//! `tcpstate ipvs`: this kernel has no IPVS, so the table is read from captures written by
//! the documented formats of `/proc/net/ip_vs_conn` (hex addresses and ports) and
//! `ipvsadm -lnc` (dotted, `mm:ss`), which must give the same counts; and a kernel without
//! IPVS is one sentence.

use std::io::Write;

use assert_cmd::Command;
use serde_json::Value;

const PROC: &str = "\
Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
TCP C0000201 1388 CB00710A 0050 0A000002 0050 ESTABLISHED     899
TCP C0000202 1389 CB00710A 0050 0A000003 0050 ESTABLISHED     800
TCP C0000203 138A CB00710A 0050 0A000003 0050 FIN_WAIT         60
TCP C0000204 138B CB00710A 01BB 0A000004 01BB SYN_RECV         30
UDP C0000205 138C CB00710A 0035 0A000005 0035 UDP             200
TCP C0000206 138D CB00710A 0050 0A000002 0050 TIME_WAIT       100
";

const IPVSADM: &str = "\
IPVS connection entries
pro expire state       source             virtual            destination
TCP 14:59  ESTABLISHED 192.0.2.1:5000     203.0.113.10:80    10.0.0.2:80
TCP 13:20  ESTABLISHED 192.0.2.2:5001     203.0.113.10:80    10.0.0.3:80
TCP 01:00  FIN_WAIT    192.0.2.3:5002     203.0.113.10:80    10.0.0.3:80
TCP 00:30  SYN_RECV    192.0.2.4:5003     203.0.113.10:443   10.0.0.4:443
UDP 03:20  UDP         192.0.2.5:5004     203.0.113.10:53    10.0.0.5:53
TCP 01:40  TIME_WAIT   192.0.2.6:5005     203.0.113.10:80    10.0.0.2:80
";

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn json(path: &str) -> Value {
    let out = Command::cargo_bin("tcpstate")
        .unwrap()
        .args(["ipvs", "--from", path, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn both_texts_give_the_same_exact_counts() {
    let (proc, tool) = (file(PROC), file(IPVSADM));
    let a = json(proc.path().to_str().unwrap());
    let b = json(tool.path().to_str().unwrap());
    for v in [&a, &b] {
        assert_eq!(v["total"], 5, "{v}");
        assert_eq!(v["states"]["established"], 2, "{v}");
        assert_eq!(v["states"]["fin_wait"], 1, "{v}");
        assert_eq!(v["states"]["syn_recv"], 1, "{v}");
        assert_eq!(v["states"]["time_wait"], 1, "{v}");
        assert_eq!(v["states"]["synack"], 0, "zero-filled: {v}");
        let svc80 = v["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service"] == "203.0.113.10:80")
            .expect("the port-80 service");
        assert_eq!(svc80["total"], 4, "{v}");
        let real3 = v["reals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["real"] == "10.0.0.3:80")
            .expect("real server 10.0.0.3:80");
        assert_eq!(real3["service"], "203.0.113.10:80");
        assert_eq!(
            (real3["total"].clone(), real3["states"]["fin_wait"].clone()),
            (2.into(), 1.into())
        );
    }
    assert_eq!(a["services"], b["services"]);
    assert_eq!(a["reals"], b["reals"]);
    let out = Command::cargo_bin("tcpstate")
        .unwrap()
        .args(["ipvs", "--from", "-", "--format", "plain"])
        .write_stdin(IPVSADM)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ESTABLISHED 2\nSYN_RECV 1\nFIN_WAIT 1\nTIME_WAIT 1\n"
    );
}

#[test]
fn a_broken_line_is_named() {
    let f = file(&format!(
        "{IPVSADM}TCP 01:40  NO_SUCH   192.0.2.6:5005     203.0.113.10:80    10.0.0.2:80\n"
    ));
    let path = f.path().to_str().unwrap();
    let out = Command::cargo_bin("tcpstate")
        .unwrap()
        .args(["ipvs", "--strict", "--from", path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{path}:9: IPVS TCP state 'NO_SUCH' cannot be read"
        )),
        "{err}"
    );
}

#[test]
fn a_kernel_without_ipvs_is_one_sentence() {
    if std::path::Path::new("/proc/net/ip_vs_conn").exists() {
        crate::common::skip("this kernel has IPVS loaded; the sentence is for kernels without");
        return;
    }
    let out = Command::cargo_bin("tcpstate")
        .unwrap()
        .arg("ipvs")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("this kernel has no IPVS here"), "{err}");
}
