//! bench_rust_mio - libmio's benchmark workloads on Rust mio 0.8.
//!
//! The same driver as bench/bench.c (arguments, traffic, marks, result
//! line), line for line, so this program differs from the C ones only in
//! its event loop: mio's `Poll::poll`, `Events::iter`, `Event::token` and
//! `Event::is_readable`, on raw fds through `unix::SourceFd`, with raw
//! `read(2)`/`write(2)` for the I/O as in every other system.
//!
//! SPDX-License-Identifier: MIT

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use std::os::unix::io::RawFd;
use std::process::exit;
use std::time::{Duration, Instant};

const SYSTEM: &str = "rust-mio";
const EVENTS: usize = 1024;
const WARMUP_W1: u64 = 1000;
const WARMUP_W2: u64 = 100;
const ACTIVE: usize = 100;
const BUF: usize = 64;
const FD_RESERVE: i64 = 200;
const F_LIMIT: i64 = 100_000;

fn fail(what: &str, err: std::io::Error) -> ! {
    eprintln!("{}: {}: {}", SYSTEM, what, err);
    exit(2);
}

fn last_err() -> std::io::Error {
    std::io::Error::last_os_error()
}

/// libmalloccount.so's counter when preloaded, as bench.c finds it.
struct Marks {
    count: Option<extern "C" fn() -> libc::c_ulong>,
    t0: Option<Instant>,
    t1: Option<Instant>,
    a0: u64,
    a1: u64,
    s0: Option<Instant>,
    s1: Option<Instant>,
}

impl Marks {
    fn new() -> Marks {
        let sym = unsafe { libc::dlsym(libc::RTLD_DEFAULT, b"bench_malloc_count\0".as_ptr() as *const libc::c_char) };
        let count = if sym.is_null() {
            None
        } else {
            Some(unsafe { std::mem::transmute::<*mut libc::c_void, extern "C" fn() -> libc::c_ulong>(sym) })
        };
        Marks { count, t0: None, t1: None, a0: 0, a1: 0, s0: None, s1: None }
    }
    fn allocs_now(&self) -> u64 {
        self.count.map(|f| f() as u64).unwrap_or(0)
    }
    fn start(&mut self) {
        self.a0 = self.allocs_now();
        self.t0 = Some(Instant::now());
    }
    fn stop(&mut self) {
        self.t1 = Some(Instant::now());
        self.a1 = self.allocs_now();
    }
    fn elapsed(&self) -> Duration {
        self.t1.unwrap() - self.t0.unwrap()
    }
    fn setup(&self) -> Duration {
        self.s1.unwrap() - self.s0.unwrap()
    }
    fn allocs(&self) -> i64 {
        if self.count.is_some() { (self.a1 - self.a0) as i64 } else { -1 }
    }
}

fn make_pair() -> [RawFd; 2] {
    let mut p = [0 as libc::c_int; 2];
    let r = unsafe {
        libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0, p.as_mut_ptr())
    };
    if r < 0 {
        fail("socketpair", last_err());
    }
    p
}

fn new_poll() -> (Poll, Events) {
    match Poll::new() {
        Ok(p) => (p, Events::with_capacity(EVENTS)),
        Err(e) => fail("Poll::new", e),
    }
}

// ---- W1 ---------------------------------------------------------------

struct W1 {
    fd0: RawFd,
    trips: u64,
    total: u64,
    marked: bool,
}

impl W1 {
    /// One hop: read the byte that arrived on fd, send it back; true when done.
    fn hop(&mut self, fd: RawFd, m: &mut Marks) -> bool {
        let mut buf = [0u8; BUF];
        if unsafe { libc::read(fd, buf.as_mut_ptr() as *mut libc::c_void, BUF) } != 1 {
            fail("w1 read", last_err());
        }
        if fd == self.fd0 {
            self.trips += 1;
            if self.trips == WARMUP_W1 && !self.marked {
                self.marked = true;
                m.start();
            }
            if self.trips == self.total {
                m.stop();
                return true;
            }
        }
        if unsafe { libc::write(fd, buf.as_ptr() as *const libc::c_void, 1) } != 1 {
            fail("w1 write", last_err());
        }
        false
    }
}

fn w1(n: u64, m: &mut Marks) {
    let p = make_pair();
    let (mut poll, mut events) = new_poll();
    for &fd in &p {
        if let Err(e) = poll.registry().register(&mut SourceFd(&fd), Token(fd as usize), Interest::READABLE) {
            fail("register", e);
        }
    }
    let mut st = W1 { fd0: p[0], trips: 0, total: WARMUP_W1 + n, marked: false };
    if unsafe { libc::write(p[0], b"x".as_ptr() as *const libc::c_void, 1) } != 1 {
        fail("write", last_err());
    }
    'outer: loop {
        if let Err(e) = poll.poll(&mut events, None) {
            fail("poll", e);
        }
        for event in events.iter() {
            if event.is_readable() && st.hop(event.token().0 as RawFd, m) {
                break 'outer;
            }
        }
    }
    println!("system={} workload=w1 n={} ns_per_op={:.1} allocs={}",
             SYSTEM, n, m.elapsed().as_nanos() as f64 / n as f64, m.allocs());
}

// ---- W2 ---------------------------------------------------------------

struct W2 {
    rd: Vec<RawFd>,
    wr: Vec<RawFd>,
    iter: u64,
    iters: u64,
    pending: Vec<u8>,
    npending: i64,
    rng: u32,
}

impl W2 {
    fn xorshift32(&mut self) -> u32 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng = x;
        x
    }
    fn fire(&mut self, m: &mut Marks) -> bool {
        if self.iter == WARMUP_W2 {
            m.start();
        }
        if self.iter == WARMUP_W2 + self.iters {
            m.stop();
            return false;
        }
        self.iter += 1;
        let f = self.wr.len() as u32;
        for _ in 0..ACTIVE {
            let i = (self.xorshift32() % f) as usize;
            if unsafe { libc::write(self.wr[i], b"x".as_ptr() as *const libc::c_void, 1) } != 1 {
                fail("w2 write", last_err());
            }
            if self.pending[i] == 0 {
                self.pending[i] = 1;
                self.npending += 1;
            }
        }
        true
    }
    fn drain(&mut self, i: usize) {
        let mut buf = [0u8; BUF];
        if i >= self.rd.len() || self.pending[i] == 0 {
            eprintln!("{}: w2 event for a pair that was not written", SYSTEM);
            exit(2);
        }
        if unsafe { libc::read(self.rd[i], buf.as_mut_ptr() as *mut libc::c_void, BUF) } <= 0 {
            fail("w2 read", last_err());
        }
        self.pending[i] = 0;
        self.npending -= 1;
    }
}

fn max_pairs() -> i64 {
    let mut rl = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) < 0 {
            fail("getrlimit", last_err());
        }
        rl.rlim_cur = rl.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &rl) < 0 {
            fail("setrlimit", last_err());
        }
    }
    let f = if rl.rlim_cur == libc::RLIM_INFINITY { F_LIMIT } else { (rl.rlim_cur as i64 - FD_RESERVE) / 2 };
    f.min(F_LIMIT)
}

fn w2(f: usize, iters: u64, m: &mut Marks) {
    let mut st = W2 {
        rd: Vec::with_capacity(f),
        wr: Vec::with_capacity(f),
        iter: 0,
        iters,
        pending: vec![0; f],
        npending: 0,
        rng: 2463534242,
    };
    for _ in 0..f {
        let p = make_pair();
        st.rd.push(p[0]);
        st.wr.push(p[1]);
    }
    let (mut poll, mut events) = new_poll();
    m.s0 = Some(Instant::now());
    for i in 0..f {
        if let Err(e) = poll.registry().register(&mut SourceFd(&st.rd[i]), Token(i), Interest::READABLE) {
            fail("register", e);
        }
    }
    if let Err(e) = poll.poll(&mut events, Some(Duration::ZERO)) {
        fail("poll", e);
    }
    m.s1 = Some(Instant::now());
    while st.fire(m) {
        while st.npending > 0 {
            if let Err(e) = poll.poll(&mut events, None) {
                fail("poll", e);
            }
            for event in events.iter() {
                if event.is_readable() {
                    st.drain(event.token().0);
                }
            }
        }
    }
    println!("system={} workload=w2 f={} iters={} us_per_op={:.2} setup_us={:.0} allocs={}",
             SYSTEM, f, iters, m.elapsed().as_nanos() as f64 / 1e3 / iters as f64,
             m.setup().as_nanos() as f64 / 1e3, m.allocs());
}

// ---- W3 ---------------------------------------------------------------

fn w3(n: u64, m: &mut Marks) {
    let p = make_pair();
    let (poll, _events) = new_poll();
    let reg = poll.registry();
    m.start();
    for _ in 0..n {
        if let Err(e) = reg.register(&mut SourceFd(&p[0]), Token(1), Interest::READABLE) {
            fail("register", e);
        }
        if let Err(e) = reg.deregister(&mut SourceFd(&p[0])) {
            fail("deregister", e);
        }
    }
    m.stop();
    println!("system={} workload=w3 n={} ns_per_op={:.1} allocs={}",
             SYSTEM, n, m.elapsed().as_nanos() as f64 / n as f64, m.allocs());
}

fn arg_num(s: &str) -> u64 {
    match s.parse::<u64>() {
        Ok(v) if v > 0 => v,
        _ => {
            eprintln!("bad number '{}'", s);
            exit(2);
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: bench_rust_mio w1 N | w2 F|max ITERS | w3 N");
    exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut m = Marks::new();
    match (args.get(1).map(|s| s.as_str()), args.len()) {
        (Some("w1"), 3) => w1(arg_num(&args[2]), &mut m),
        (Some("w2"), 4) => {
            let max = max_pairs();
            let f = if args[2] == "max" { max as usize } else { arg_num(&args[2]) as usize };
            w2(f, arg_num(&args[3]), &mut m)
        }
        (Some("w3"), 3) => w3(arg_num(&args[2]), &mut m),
        _ => usage(),
    }
}
