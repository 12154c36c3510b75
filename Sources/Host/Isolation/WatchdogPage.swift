import Glibc

/// One 64-bit word in memory shared by a worker and its supervisor: which
/// deployment slot is inside a callback, and a serial that changes at every
/// callback. The worker writes it before each callback and clears it after
/// each event; the supervisor's watchdog reads it and times how long one
/// value stays. The worker never reads a clock for this.
///
/// The word is `(slot + 1) << 32 | serial` (0: between callbacks). It is an
/// aligned 8-byte store and load, which x86-64 and arm64 never tear, so a
/// reader sees either the old or the new value.
///
/// Ownership: the mapping belongs to this object and is unmapped in
/// `deinit`. The supervisor creates the page (an unlinked temporary file)
/// and hands its descriptor to the worker as descriptor 4.
final class WatchdogPage: @unchecked Sendable {
    static let size = 4096
    let descriptor: Int32
    private let word: UnsafeMutablePointer<Int64>
    private var serial: Int64 = 0

    /// Creates the shared file for a new worker (supervisor side).
    static func create() throws(IsolationError) -> WatchdogPage {
        var template = Array("/dev/shm/lunar-watchdog-XXXXXX".utf8CString)
        var descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if descriptor < 0 {
            template = Array("/tmp/lunar-watchdog-XXXXXX".utf8CString)
            descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        }
        guard descriptor >= 0 else { throw .system(call: "mkstemp", errno: errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            let code = errno
            close(descriptor)
            throw .system(call: "ftruncate", errno: code)
        }
        return try WatchdogPage(descriptor: descriptor)
    }

    /// Maps an existing page (worker side: descriptor 4).
    init(descriptor: Int32) throws(IsolationError) {
        let address = mmap(nil, Self.size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            close(descriptor)
            throw .system(call: "mmap", errno: errno)
        }
        self.descriptor = descriptor
        self.word = address.bindMemory(to: Int64.self, capacity: 1)
    }

    deinit {
        munmap(word, Self.size)
        close(descriptor)
    }

    /// Worker: the deployment in `slot` is about to run a callback.
    @inline(__always)
    func enter(slot: Int) {
        serial &+= 1
        word.pointee = Int64(slot + 1) << 32 | (serial & 0xffff_ffff)
    }

    /// Worker: no callback is running.
    @inline(__always)
    func leave() { word.pointee = 0 }

    /// Supervisor: the current word.
    var value: Int64 { word.pointee }

    /// The slot a word names, nil for 0.
    static func slot(of value: Int64) -> Int? { value == 0 ? nil : Int(value >> 32) - 1 }
}
