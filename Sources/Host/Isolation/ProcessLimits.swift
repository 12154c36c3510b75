import Foundation
import Glibc

/// The kernel-enforced backstops a worker sets on itself, under the
/// sandbox's own quotas: they catch what escapes those (a C builtin that
/// never polls the CPU budget, a leak outside the Lua allocator).
enum ProcessLimits {
    /// Caps the worker's address space: an allocation past it fails instead
    /// of growing into the machine's memory.
    static func limitAddressSpace(_ bytes: Int) {
        var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }

    /// Moves the soft CPU limit to `seconds` past the CPU used so far. A
    /// batch that does not return within it gets SIGXCPU, whose default
    /// action ends the process. The hard limit stays where it was (an
    /// unprivileged process could never raise it again).
    static func renewCPUBudget(seconds: Int) {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return }
        let used = Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec) + 1
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_CPU.rawValue), &limit) == 0 else { return }
        let soft = rlim_t(used + seconds)
        limit.rlim_cur = limit.rlim_max == rlim_t.max ? soft : min(soft, limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_CPU.rawValue), &limit)
    }

    /// Sets the `nice` value of every thread of this process (on Linux it is
    /// per thread, and the runtime has started some already); threads made
    /// later inherit it from their creator.
    static func renice(_ niceness: Int32) {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        let ids = tasks.compactMap { id_t($0) }
        for id in ids.isEmpty ? [0] : ids { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id, niceness) }
    }
}
