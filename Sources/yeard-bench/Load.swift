import Foundation
import Glibc
import Synchronization

/// The load generator: blocking Unix-socket clients on their own threads, one call in flight each, so that the same
/// loop measures the floor and the daemon. Written by hand: it is the benchmark's measuring instrument, a few
/// system calls that no package wraps more cheaply.
enum Load {
    struct Result {
        var perSecond: Double, p50: Double, p99: Double, errors: Int
    }

    /// Calls `body` with the sockaddr_un of `path` and its length (for connect or bind).
    static func withUnixAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8.prefix(raw.count - 1)))
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    static func connectSocket(_ path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        guard withUnixAddress(path, { connect(descriptor, $0, $1) }) == 0 else {
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED)
        }
        return descriptor
    }

    /// Writes `message` and reads one NUL-terminated reply; returns whether it was an error reply.
    static func exchange(_ descriptor: Int32, _ message: [UInt8], _ buffer: inout [UInt8]) throws -> Bool {
        var sent = 0
        while sent < message.count {
            let n = message[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            sent += n
        }
        var received: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard n > 0 else { throw POSIXError(.ECONNRESET) }
            received.append(contentsOf: buffer[0..<n])
            if buffer[n - 1] == 0 { break }
        }
        return received.starts(with: Array(#"{"error""#.utf8))
            || String(decoding: received, as: UTF8.self).contains(#""error":"#)
    }

    static func roundTrip(path: String, message: [UInt8]) throws -> Bool {
        let descriptor = try connectSocket(path)
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        return try exchange(descriptor, message, &buffer)
    }

    static func run(path: String, message: [UInt8], clients: Int, seconds: Double) throws -> Result {
        // A reference the threads share (a `Mutex` cannot be captured by their escaping closures).
        final class Collected: Sendable { let value = Mutex((latencies: [Double](), errors: 0)) }
        let collected = Collected()
        let group = DispatchGroup()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        for _ in 0..<clients {
            group.enter()
            let thread = Thread {
                var mine: [Double] = []
                mine.reserveCapacity(200_000)
                var failed = 0
                var buffer = [UInt8](repeating: 0, count: 65536)
                if let descriptor = try? connectSocket(path) {
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let start = DispatchTime.now().uptimeNanoseconds
                        guard let isError = try? exchange(descriptor, message, &buffer) else {
                            failed += 1
                            break
                        }
                        if isError { failed += 1 }
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    }
                    close(descriptor)
                } else {
                    failed += 1
                }
                collected.value.withLock {
                    $0.latencies += mine
                    $0.errors += failed
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        let (unsorted, errors) = collected.value.withLock { $0 }
        let latencies = unsorted.sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        return Result(
            perSecond: Double(latencies.count) / seconds, p50: percentile(0.5), p99: percentile(0.99), errors: errors)
    }
}

/// The floor: a server that answers each NUL-terminated message with a fixed reply of the same size as yeard's,
/// one thread per connection, with no parsing and no work.
final class EchoServer: Sendable {
    private let listener: Int32
    static let reply =
        Array(
            #"{"parameters":{"schools":[{"name":"bench-school","pendingRequests":0,"id":"bench-school","openYears":[]}],"version":"0.1.0","uptimeSeconds":1}}"#
                .utf8) + [0]

    init(path: String) throws {
        unlink(path)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard Load.withUnixAddress(path, { bind(listener, $0, $1) }) == 0, listen(listener, 128) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        Thread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                Thread {
                    var buffer = [UInt8](repeating: 0, count: 65536)
                    while true {
                        let n = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
                        if n <= 0 { break }
                        if buffer[n - 1] == 0 {
                            _ = EchoServer.reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                        }
                    }
                    close(connection)
                }.start()
            }
        }.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
