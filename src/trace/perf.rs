//! The perf plumbing of `tcpstate trace`: one `perf_event_open` per online CPU on a kernel
//! tracepoint (`PERF_TYPE_TRACEPOINT`), each with its own memory-mapped ring buffer that the
//! kernel writes and we read. The reader follows the kernel's protocol: load `data_head` with
//! acquire ordering, read the records between our tail and that head (copying a record that
//! wraps around the end of the buffer into a scratch buffer), then store `data_tail` with
//! release ordering so the kernel may reuse the space. Samples carry the task on the CPU, a
//! CLOCK_MONOTONIC timestamp and the tracepoint's raw record; `PERF_RECORD_LOST` records say
//! how many samples the kernel had to drop because the buffer was full. Comm and fork records
//! keep a process-name cache accurate for short-lived processes.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};

use perf_event_open_sys as sys;
use sys::bindings::{
    PERF_FLAG_FD_CLOEXEC, PERF_RECORD_COMM, PERF_RECORD_FORK, PERF_RECORD_LOST, PERF_RECORD_SAMPLE,
    PERF_RECORD_THROTTLE, PERF_SAMPLE_RAW, PERF_SAMPLE_TID, PERF_SAMPLE_TIME, PERF_TYPE_TRACEPOINT,
    perf_event_attr, perf_event_mmap_page,
};

/// One record read from a ring buffer. Borrowed slices live until the next record.
#[derive(Debug)]
pub enum Record<'a> {
    /// A tracepoint hit: the task on the CPU, the time (CLOCK_MONOTONIC ns) and the raw
    /// tracepoint record as the `format` file describes it.
    Sample {
        pid: u32,
        tid: u32,
        time: u64,
        raw: &'a [u8],
    },
    /// The kernel dropped this many samples: the buffer was full.
    Lost(u64),
    /// A task changed its name (exec, prctl), at `time`.
    Comm { pid: u32, name: &'a [u8], time: u64 },
    /// A process (or thread) was created, at `time`.
    Fork { pid: u32, ppid: u32, time: u64 },
    /// The kernel throttled the event (too many samples per second).
    Throttle,
}

/// Why perf could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum PerfError {
    #[error(
        "tracing needs root or the CAP_PERFMON capability (the kernel refused perf_event_open: {0}); run tcpstate with sudo, or grant it with `setcap cap_perfmon+ep $(command -v tcpstate)`"
    )]
    Permission(io::Error),
    #[error("perf_event_open on CPU {cpu} failed: {err}")]
    Open { cpu: u32, err: io::Error },
    #[error(
        "cannot map the {pages}-page ring buffer of CPU {cpu}: {err}; try a smaller --buffer-pages"
    )]
    Mmap {
        cpu: u32,
        pages: usize,
        err: io::Error,
    },
    #[error("cannot enable the tracepoint on CPU {cpu}: {err}")]
    Enable { cpu: u32, err: io::Error },
    #[error("cannot read the online CPUs from {path}: {err}")]
    Cpus { path: String, err: String },
}

/// The online CPUs, from /sys/devices/system/cpu/online (`0-3,5,7-8`).
pub fn online_cpus() -> Result<Vec<u32>, PerfError> {
    let path = "/sys/devices/system/cpu/online";
    let text = std::fs::read_to_string(path).map_err(|e| PerfError::Cpus {
        path: path.into(),
        err: e.to_string(),
    })?;
    parse_cpu_list(text.trim()).ok_or_else(|| PerfError::Cpus {
        path: path.into(),
        err: format!("unexpected contents '{}'", text.trim()),
    })
}

/// Parse a kernel CPU list such as `0-3,5`.
pub fn parse_cpu_list(s: &str) -> Option<Vec<u32>> {
    let mut cpus = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                if a > b {
                    return None;
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(part.parse().ok()?),
        }
    }
    (!cpus.is_empty()).then_some(cpus)
}

fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 { n as usize } else { 4096 }
}

/// One CPU's perf event and its ring buffer.
pub struct RingBuffer {
    fd: OwnedFd,
    cpu: u32,
    base: *mut u8,
    map_len: usize,
    data: *const u8,
    data_size: u64,
    /// Where we have read up to (monotonic byte count, like the kernel's head).
    tail: u64,
    /// Further tracepoints on this CPU whose samples go into this buffer.
    extra: Vec<OwnedFd>,
    /// A record that wraps around the end of the buffer is copied here.
    scratch: Vec<u8>,
    /// Samples the kernel reported lost on this CPU.
    pub lost: u64,
    /// Samples read from this CPU's buffer.
    pub samples: u64,
    /// Throttle records seen on this CPU.
    pub throttled: u64,
}

// The mapping belongs to this value alone; it is only touched through &mut self.
unsafe impl Send for RingBuffer {}

/// `perf_event_open` of the tracepoint `id` on `cpu` for every task, disabled, sampling
/// every hit with the task, a CLOCK_MONOTONIC time and the raw record. `wakeup` is the
/// watermark in bytes for an event that owns a ring buffer.
fn open_event(
    id: u64,
    cpu: u32,
    wakeup: Option<u32>,
    track_tasks: bool,
) -> Result<OwnedFd, PerfError> {
    let mut attr = perf_event_attr {
        type_: PERF_TYPE_TRACEPOINT,
        size: std::mem::size_of::<perf_event_attr>() as u32,
        config: id,
        sample_type: u64::from(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW),
        ..Default::default()
    };
    attr.__bindgen_anon_1.sample_period = 1;
    attr.set_disabled(1);
    if let Some(bytes) = wakeup {
        // Wake the reader only when a quarter of the buffer is full; it also polls with a
        // timeout, so a quiet host still sees its events promptly.
        attr.set_watermark(1);
        attr.__bindgen_anon_2.wakeup_watermark = bytes;
    }
    // Timestamps on CLOCK_MONOTONIC, comparable with clock_gettime (and required to be the
    // same clock for events sharing a buffer).
    attr.set_use_clockid(1);
    attr.clockid = libc::CLOCK_MONOTONIC;
    if track_tasks {
        attr.set_comm(1);
        attr.set_task(1);
        // Comm and fork records carry the time too, so they merge in order with samples.
        attr.set_sample_id_all(1);
    }
    // SAFETY: attr is a fully initialised perf_event_attr of the size it claims.
    let fd = unsafe {
        sys::perf_event_open(
            &mut attr,
            -1,
            cpu as i32,
            -1,
            u64::from(PERF_FLAG_FD_CLOEXEC) as _,
        )
    };
    if fd < 0 {
        let err = io::Error::last_os_error();
        return Err(match err.raw_os_error() {
            Some(libc::EACCES) | Some(libc::EPERM) => PerfError::Permission(err),
            _ => PerfError::Open { cpu, err },
        });
    }
    // SAFETY: fd is a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

impl RingBuffer {
    /// Open the tracepoint `id` on `cpu` for every task, with a ring buffer of `pages` data
    /// pages (a power of two). The event starts disabled; see [`RingBuffer::enable`].
    pub fn open(id: u64, cpu: u32, pages: usize, track_tasks: bool) -> Result<Self, PerfError> {
        let data_bytes = pages * page_size();
        let fd = open_event(id, cpu, Some((data_bytes / 4).max(1) as u32), track_tasks)?;
        let ps = page_size();
        let map_len = (pages + 1) * ps;
        // SAFETY: mapping a perf fd with a length of 1 + 2^n pages, as perf_event_open(2)
        // documents; the result is checked before use.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(PerfError::Mmap {
                cpu,
                pages,
                err: io::Error::last_os_error(),
            });
        }
        let base = base.cast::<u8>();
        let page = base.cast::<perf_event_mmap_page>();
        // SAFETY: the first page of the mapping is the perf_event_mmap_page.
        let (off, size, tail) = unsafe {
            let off = std::ptr::read_volatile(std::ptr::addr_of!((*page).data_offset));
            let size = std::ptr::read_volatile(std::ptr::addr_of!((*page).data_size));
            let tail = std::ptr::read_volatile(std::ptr::addr_of!((*page).data_tail));
            (off, size, tail)
        };
        // Kernels before 4.1 leave data_offset/data_size zero: data starts at the next page.
        let (off, size) = if size == 0 {
            (ps as u64, (pages * ps) as u64)
        } else {
            (off, size)
        };
        Ok(RingBuffer {
            fd,
            cpu,
            base,
            map_len,
            // SAFETY: off + size lies within the mapping (the kernel says so).
            data: unsafe { base.add(off as usize) },
            data_size: size,
            tail,
            extra: Vec::new(),
            scratch: Vec::with_capacity(256),
            lost: 0,
            samples: 0,
            throttled: 0,
        })
    }

    pub fn cpu(&self) -> u32 {
        self.cpu
    }

    pub fn raw_fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    /// Open the tracepoint `id` on this buffer's CPU too, its samples written into this
    /// buffer (`PERF_EVENT_IOC_SET_OUTPUT`), so one reader sees both in time order. With
    /// `filter`, the kernel delivers only the hits that pass it (`PERF_EVENT_IOC_SET_FILTER`,
    /// the tracefs filter syntax); returns whether the kernel accepted the filter.
    pub fn attach(&mut self, id: u64, filter: Option<&str>) -> Result<bool, PerfError> {
        let fd = open_event(id, self.cpu, None, false)?;
        // SAFETY: both are perf fds we own on the same CPU with the same clock.
        let r = unsafe { sys::ioctls::SET_OUTPUT(fd.as_raw_fd(), self.fd.as_raw_fd()) };
        if r < 0 {
            return Err(PerfError::Open {
                cpu: self.cpu,
                err: io::Error::last_os_error(),
            });
        }
        let mut filtered = false;
        if let Some(f) = filter.and_then(|f| std::ffi::CString::new(f).ok()) {
            // SAFETY: a NUL-terminated string that lives across the call; the kernel copies it.
            let r = unsafe { sys::ioctls::SET_FILTER(fd.as_raw_fd(), f.as_ptr().cast_mut()) };
            filtered = r == 0;
        }
        self.extra.push(fd);
        Ok(filtered)
    }

    fn fds(&self) -> impl Iterator<Item = i32> + '_ {
        std::iter::once(self.fd.as_raw_fd()).chain(self.extra.iter().map(|f| f.as_raw_fd()))
    }

    pub fn enable(&self) -> Result<(), PerfError> {
        for fd in self.fds() {
            // SAFETY: a valid perf fd; the ioctl takes no pointer.
            let r = unsafe { sys::ioctls::ENABLE(fd, 0) };
            if r < 0 {
                return Err(PerfError::Enable {
                    cpu: self.cpu,
                    err: io::Error::last_os_error(),
                });
            }
        }
        Ok(())
    }

    pub fn disable(&self) {
        for fd in self.fds() {
            // SAFETY: as for enable; failure only means the event keeps counting until close.
            unsafe {
                sys::ioctls::DISABLE(fd, 0);
            }
        }
    }

    fn head(&self) -> &AtomicU64 {
        let page = self.base.cast::<perf_event_mmap_page>();
        // SAFETY: data_head is an aligned u64 in the mapped control page, written by the
        // kernel; AtomicU64 has the same layout as u64.
        unsafe { AtomicU64::from_ptr(std::ptr::addr_of_mut!((*page).data_head)) }
    }

    fn tail_cell(&self) -> &AtomicU64 {
        let page = self.base.cast::<perf_event_mmap_page>();
        // SAFETY: as for head; data_tail is written by us and read by the kernel.
        unsafe { AtomicU64::from_ptr(std::ptr::addr_of_mut!((*page).data_tail)) }
    }

    /// How many times the tracepoints fired on this CPU since they were enabled (those that
    /// passed their filter): the events' counters, which the kernel keeps even when it
    /// delivers no sample.
    pub fn count(&self) -> Option<u64> {
        let mut total = 0;
        for fd in self.fds() {
            let mut v = [0u8; 8];
            // SAFETY: reading 8 bytes into an 8-byte buffer from our perf fd.
            let n = unsafe { libc::read(fd, v.as_mut_ptr().cast(), v.len()) };
            if n != 8 {
                return None;
            }
            total += u64::from_ne_bytes(v);
        }
        Some(total)
    }

    /// Bytes written by the kernel and not yet read.
    pub fn pending(&self) -> u64 {
        self.head().load(Ordering::Acquire).wrapping_sub(self.tail)
    }

    /// Copy `len` bytes starting at ring position `pos` (which may wrap) into `dst`.
    fn copy_out(&self, pos: u64, dst: &mut [u8]) {
        let size = self.data_size as usize;
        let start = (pos % self.data_size) as usize;
        let first = dst.len().min(size - start);
        // SAFETY: start < size and first <= size - start; the rest wraps to the beginning
        // and is shorter than the buffer (a record never exceeds it).
        unsafe {
            std::ptr::copy_nonoverlapping(self.data.add(start), dst.as_mut_ptr(), first);
            if first < dst.len() {
                std::ptr::copy_nonoverlapping(
                    self.data,
                    dst.as_mut_ptr().add(first),
                    dst.len() - first,
                );
            }
        }
    }

    /// Read every record the kernel has published, handing each to `f`, then give the space
    /// back to the kernel. Returns the number of records read.
    pub fn drain(&mut self, mut f: impl FnMut(u32, Record<'_>)) -> u64 {
        let head = self.head().load(Ordering::Acquire);
        let mut n = 0;
        let size = self.data_size;
        while self.tail < head {
            let mut hdr = [0u8; 8];
            self.copy_out(self.tail, &mut hdr);
            let rtype = u32::from_ne_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
            let rsize = u64::from(u16::from_ne_bytes([hdr[6], hdr[7]]));
            if rsize < 8 || rsize > size || self.tail + rsize > head {
                // A corrupt header: skip everything published so far rather than loop.
                self.tail = head;
                break;
            }
            let start = (self.tail % size) as usize;
            let contiguous = start as u64 + rsize <= size;
            let body: &[u8] = if contiguous {
                // SAFETY: the record lies entirely within the data area.
                unsafe { std::slice::from_raw_parts(self.data.add(start + 8), rsize as usize - 8) }
            } else {
                let mut buf = std::mem::take(&mut self.scratch);
                buf.resize(rsize as usize, 0);
                self.copy_out(self.tail, &mut buf);
                self.scratch = buf;
                &self.scratch[8..]
            };
            let cpu = self.cpu;
            match parse_record(rtype, body) {
                Some(Record::Lost(k)) => {
                    self.lost += k;
                    f(cpu, Record::Lost(k));
                }
                Some(Record::Throttle) => {
                    self.throttled += 1;
                    f(cpu, Record::Throttle);
                }
                Some(r @ Record::Sample { .. }) => {
                    self.samples += 1;
                    f(cpu, r);
                }
                Some(r) => f(cpu, r),
                None => {}
            }
            n += 1;
            self.tail += rsize;
        }
        self.tail_cell().store(self.tail, Ordering::Release);
        n
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Decode a record body (after the 8-byte header) for the sample type we asked for:
/// TID, TIME, RAW in that order; other records end with the `sample_id` trailer (pid, tid,
/// time: 16 bytes) that `sample_id_all` adds.
fn parse_record(rtype: u32, body: &[u8]) -> Option<Record<'_>> {
    match rtype {
        PERF_RECORD_SAMPLE => {
            let pid = u32_at(body, 0)?;
            let tid = u32_at(body, 4)?;
            let time = u64_at(body, 8)?;
            let len = u32_at(body, 16)? as usize;
            let raw = body.get(20..20 + len)?;
            Some(Record::Sample {
                pid,
                tid,
                time,
                raw,
            })
        }
        PERF_RECORD_LOST => Some(Record::Lost(u64_at(body, 8)?)),
        PERF_RECORD_COMM => {
            let pid = u32_at(body, 0)?;
            let time = u64_at(body, body.len().checked_sub(8)?)?;
            let name = body.get(8..body.len().checked_sub(16)?)?;
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            Some(Record::Comm {
                pid,
                name: &name[..end],
                time,
            })
        }
        PERF_RECORD_FORK => Some(Record::Fork {
            pid: u32_at(body, 0)?,
            ppid: u32_at(body, 4)?,
            time: u64_at(body, 16)?,
        }),
        PERF_RECORD_THROTTLE => Some(Record::Throttle),
        _ => None,
    }
}

impl Drop for RingBuffer {
    fn drop(&mut self) {
        // SAFETY: base/map_len are exactly what mmap returned; nothing borrows the mapping
        // past this point (records borrow &mut self).
        unsafe {
            libc::munmap(self.base.cast(), self.map_len);
        }
    }
}

/// The tracepoint on every online CPU.
pub struct PerfSet {
    pub buffers: Vec<RingBuffer>,
    pollfds: Vec<libc::pollfd>,
}

impl PerfSet {
    /// Open the tracepoint on every online CPU with `pages` data pages each, and the `more`
    /// tracepoints (id, kernel filter) into the same buffers. Comm and fork records are asked
    /// for on every CPU (they are rare) to keep process names accurate. Returns the set and,
    /// per tracepoint of `more`, whether the kernel took its filter.
    pub fn open(
        id: u64,
        pages: usize,
        more: &[(u64, Option<String>)],
    ) -> Result<(PerfSet, Vec<bool>), PerfError> {
        let mut buffers = Vec::new();
        let mut filtered = vec![true; more.len()];
        for cpu in online_cpus()? {
            let mut b = RingBuffer::open(id, cpu, pages, true)?;
            for (i, (more_id, filter)) in more.iter().enumerate() {
                let took = b.attach(*more_id, filter.as_deref())?;
                filtered[i] &= took && filter.is_some();
            }
            buffers.push(b);
        }
        let pollfds = buffers
            .iter()
            .map(|b| libc::pollfd {
                fd: b.raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        Ok((PerfSet { buffers, pollfds }, filtered))
    }

    pub fn enable(&self) -> Result<(), PerfError> {
        self.buffers.iter().try_for_each(RingBuffer::enable)
    }

    pub fn disable(&self) {
        self.buffers.iter().for_each(RingBuffer::disable);
    }

    /// Wait until a buffer passes its watermark, a signal arrives or `timeout_ms` pass.
    pub fn wait(&mut self, timeout_ms: i32) {
        // SAFETY: pollfds is a valid array of pollfd for the call's duration. EINTR (a
        // signal) and timeouts both simply return: the caller re-checks its conditions.
        unsafe {
            libc::poll(
                self.pollfds.as_mut_ptr(),
                self.pollfds.len() as libc::nfds_t,
                timeout_ms,
            );
        }
    }
}

/// CLOCK_MONOTONIC now, in nanoseconds: the clock of the samples' timestamps.
pub fn monotonic_ns() -> u64 {
    clock_ns(libc::CLOCK_MONOTONIC)
}

/// CLOCK_REALTIME now, in nanoseconds since the Unix epoch.
pub fn realtime_ns() -> u64 {
    clock_ns(libc::CLOCK_REALTIME)
}

fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec to write to.
    unsafe {
        libc::clock_gettime(clock, &mut ts);
    }
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

#[cfg(test)]
#[path = "perf_tests.rs"]
mod tests;
