//! Tests of the perf record parsing and CPU lists.
use super::*;

#[test]
fn cpu_lists() {
    assert_eq!(parse_cpu_list("0"), Some(vec![0]));
    assert_eq!(parse_cpu_list("0-3,5,7-8"), Some(vec![0, 1, 2, 3, 5, 7, 8]));
    assert_eq!(parse_cpu_list(""), None);
    assert_eq!(parse_cpu_list("3-1"), None);
    assert_eq!(parse_cpu_list("a"), None);
}

#[test]
fn sample_records() {
    let mut body = Vec::new();
    body.extend(7u32.to_ne_bytes());
    body.extend(8u32.to_ne_bytes());
    body.extend(99u64.to_ne_bytes());
    body.extend(4u32.to_ne_bytes());
    body.extend([1, 2, 3, 4]);
    match parse_record(PERF_RECORD_SAMPLE, &body) {
        Some(Record::Sample {
            pid: 7,
            tid: 8,
            time: 99,
            raw,
        }) => assert_eq!(raw, &[1, 2, 3, 4]),
        other => panic!("{other:?}"),
    }
    // A raw size past the record's end is refused, not read.
    body[16] = 200;
    assert!(parse_record(PERF_RECORD_SAMPLE, &body).is_none());
    let mut lost = Vec::new();
    lost.extend(1u64.to_ne_bytes());
    lost.extend(42u64.to_ne_bytes());
    assert!(matches!(
        parse_record(PERF_RECORD_LOST, &lost),
        Some(Record::Lost(42))
    ));
    // COMM: pid, tid, name padded to 8 bytes, then the sample_id trailer.
    let mut comm = Vec::new();
    comm.extend(5u32.to_ne_bytes());
    comm.extend(5u32.to_ne_bytes());
    comm.extend(b"bash\0\0\0\0");
    comm.extend(5u32.to_ne_bytes());
    comm.extend(5u32.to_ne_bytes());
    comm.extend(77u64.to_ne_bytes());
    match parse_record(PERF_RECORD_COMM, &comm) {
        Some(Record::Comm {
            pid: 5,
            name,
            time: 77,
        }) => assert_eq!(name, b"bash"),
        other => panic!("{other:?}"),
    }
}
