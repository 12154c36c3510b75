import CSandbox
import Foundation

/// Small timing and reporting helpers for the benchmark executable.
enum Measure {
    /// Nanoseconds per iteration of `body`, best of `rounds` (the least
    /// disturbed round on a shared machine).
    /// With `cpuTime`, in this thread's CPU time (for comparisons with the
    /// C baselines, which use it too).
    static func nanosecondsPerIteration(
        iterations: Int, rounds: Int = 5, cpuTime: Bool = false, _ body: () throws -> Void
    ) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = cpuTime ? threadCPUNanoseconds() : Double(DispatchTime.now().uptimeNanoseconds)
            for _ in 0..<iterations { try body() }
            let elapsed = (cpuTime ? threadCPUNanoseconds() : Double(DispatchTime.now().uptimeNanoseconds)) - start
            best = min(best, elapsed / Double(iterations))
        }
        return best
    }

    /// This thread's CPU time in nanoseconds: comparisons timed with it are
    /// not skewed by time spent descheduled on a busy machine.
    static func threadCPUNanoseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e9 + Double(time.tv_nsec)
    }

    /// Median and 99th percentile of individually timed runs, in nanoseconds.
    static func percentiles(samples: Int, _ body: () throws -> Void) rethrows -> (median: Double, p99: Double) {
        var times: [Double] = []
        times.reserveCapacity(samples)
        for _ in 0..<samples {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        times.sort()
        return (times[times.count / 2], times[min(times.count - 1, times.count * 99 / 100)])
    }

    /// Bytes the C heap has handed out and not taken back (glibc's
    /// mallinfo2): unlike the resident set, it goes down when memory is freed,
    /// so before/after differences are meaningful within one process.
    static func heapInUse() -> Int {
        lsb_bench_heap_in_use()
    }

    /// Resident set size of this process in bytes.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Prints one aligned result row: what, the figure, its baseline, the ratio and the goal.
struct Report {
    private(set) var rows: [[String]] = []

    mutating func section(_ title: String) {
        print("\n== \(title)")
    }

    mutating func row(_ name: String, _ figure: String, baseline: String = "", ratio: Double? = nil, goal: String = "") {
        let ratioText = ratio.map { String(format: "%.2fx", $0) } ?? ""
        let line = [name, figure, baseline, ratioText, goal]
        rows.append(line)
        print(line[0].padding(toLength: 58, withPad: " ", startingAt: 0),
              line[1].padding(toLength: 16, withPad: " ", startingAt: 0),
              line[2].padding(toLength: 18, withPad: " ", startingAt: 0),
              line[3].padding(toLength: 8, withPad: " ", startingAt: 0),
              line[4])
    }
}

func format(nanoseconds: Double) -> String {
    if nanoseconds >= 1_000_000 { return String(format: "%.2f ms", nanoseconds / 1_000_000) }
    if nanoseconds >= 1_000 { return String(format: "%.2f µs", nanoseconds / 1_000) }
    return String(format: "%.0f ns", nanoseconds)
}

func format(bytes: Double) -> String {
    if bytes >= 1_073_741_824 { return String(format: "%.2f GiB", bytes / 1_073_741_824) }
    if bytes >= 1_048_576 { return String(format: "%.1f MiB", bytes / 1_048_576) }
    return String(format: "%.1f KiB", bytes / 1024)
}
