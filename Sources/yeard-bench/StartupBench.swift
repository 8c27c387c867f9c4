import ArgumentParser
import Foundation
import Glibc
import YearStore

/// `yeard-bench startup`: exec to READY=1 of the release yeard on a region's database, as systemd sees it (the
/// datagram on NOTIFY_SOCKET), beside the floor of exec to exit of the same binary printing its version; when the
/// background quick_check reports; and the size of the static binaries.
struct StartupBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "startup",
        abstract: "Start-up to READY=1 on a region database (1,000 schools) against exec of 'yeard --version'.")

    @Option(help: "How many schools (1,000: the region size).") var schools = 1000
    @Option(help: "Starts measured (each after the last one stopped).") var runs = 10
    @Option(help: "The yeard binary (default: next to this one).") var yeard: String?

    func run() async throws {
        let binary = yeard ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/yeard"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError(
                "no yeard at \(binary): build it first with 'make release' (static) or give --yeard")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-bench-start-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ids = (1...schools).map { String(format: "school-%04d", $0) }
        let roles = ["admin", "secretary", "coordinator", "teacher"]
        try await ChecksBench.buildRegion(binary: binary, directory: directory + "/yeard", ids: ids, roles: roles)
        let database = directory + "/yeard/yeard.sqlite"
        let bytes = (try? FileManager.default.attributesOfItem(atPath: database)[.size] as? NSNumber)?.doubleValue ?? 0
        let students = try ChecksBench.sqliteCount(database, BenchmarkStatements.countStudents)

        // The floor: the same binary, exec to exit, doing nothing but print its version.
        let floor = try Self.versionTimes(binary, runs: runs)

        let notify = try NotifyListener(path: directory + "/notify.sock")
        defer { notify.close() }
        var ready: [Double] = []
        var quick: [Double] = []
        var cold: (ready: Double, quick: Double)?
        let canDropCaches = getuid() == 0 && access("/proc/sys/vm/drop_caches", W_OK) == 0
        for index in 0..<(runs + (canDropCaches ? 1 : 0)) {
            let isCold = index == runs
            if isCold {
                sync()
                try "3\n".write(toFile: "/proc/sys/vm/drop_caches", atomically: false, encoding: .utf8)
            }
            let begin = DispatchTime.now().uptimeNanoseconds
            let daemon = try DaemonProcess(
                binary: binary, directory: directory + "/yeard", grants: roles, schools: ids,
                environment: ["NOTIFY_SOCKET": notify.path], wait: false)
            defer { daemon.stop() }
            let readyAt = try notify.wait(for: "READY=1", since: begin)
            let quickAt = try notify.wait(for: "integrity ", since: begin)
            daemon.stop()
            if isCold {
                cold = (readyAt, quickAt)
            } else {
                ready.append(readyAt)
                quick.append(quickAt)
            }
        }
        ready.sort()
        quick.sort()
        func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values[values.count / 2] }
        print(
            String(
                format: "yeard-bench startup: %d schools, %d students, database %.0f MB, %d starts", schools, students,
                bytes / 1e6, runs))
        print(
            String(
                format: "  floor: exec of 'yeard --version' to its exit: p50 %.1f ms, max %.1f ms", median(floor),
                floor.last ?? 0))
        print(
            String(
                format: "  exec to READY=1: p50 %.1f ms, max %.1f ms (%.1fx the floor; target: under 500 ms)",
                median(ready), ready.last ?? 0, median(ready) / max(median(floor), 0.001)))
        print(
            String(
                format:
                    "  exec to the quick_check's result (in the background, after READY=1): p50 %.0f ms, max %.0f ms",
                median(quick), quick.last ?? 0))
        if let cold {
            print(
                String(
                    format: "  after dropping the page cache: READY=1 in %.1f ms, quick_check done in %.0f ms",
                    cold.ready, cold.quick))
        } else {
            print("  (not root: the start with a cold page cache was skipped)")
        }
        let binaries = (binary as NSString).deletingLastPathComponent
        for name in ["yeard", "yearctl", "yeard-gen"] {
            let path = binaries + "/" + name
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue
            else { continue }
            let times = try Self.versionTimes(path, runs: runs)
            print(
                String(
                    format: "  %@: %.1f MB, links %@; exec of --version to exit p50 %.1f ms, max %.1f ms", name,
                    size / 1e6, Self.swiftLibraries(path), median(times), times.last ?? 0))
        }
    }

    /// Milliseconds from exec to exit of `path --version`, `runs` times, sorted.
    static func versionTimes(_ path: String, runs: Int) throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<runs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["--version"]
            process.standardOutput = FileHandle.nullDevice
            let begin = DispatchTime.now().uptimeNanoseconds
            try process.run()
            process.waitUntilExit()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
        }
        return times.sorted()
    }

    /// "no Swift runtime library" for a static build, else the Swift libraries `ldd` lists.
    static func swiftLibraries(_ path: String) -> String {
        guard let (_, output) = try? Subprocess.run("/usr/bin/ldd", [path]) else { return "(ldd missing)" }
        let swift = output.split(separator: "\n").compactMap { line -> String? in
            let name = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
            return name.contains("swift") || name.contains("Foundation") || name.contains("dispatch") ? name : nil
        }
        return swift.isEmpty ? "no Swift runtime library" : swift.joined(separator: ", ")
    }
}

/// A NOTIFY_SOCKET of our own: the datagrams a daemon sends to its service manager. Written by hand: a bound
/// datagram socket and a receive with a timeout, which no package wraps.
final class NotifyListener {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0, Load.withUnixAddress(path, { bind(descriptor, $0, $1) }) == 0 else {
            throw ValidationError("cannot bind \(path): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Milliseconds from `since` (uptime in ns) to the first datagram containing `text`; 120 s at most.
    func wait(for text: String, since: UInt64) throws -> Double {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = since + 120_000_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            if String(decoding: buffer[0..<count], as: UTF8.self).contains(text) {
                return Double(DispatchTime.now().uptimeNanoseconds - since) / 1e6
            }
        }
        throw ValidationError("no '\(text)' on \(path) within 120 s")
    }

    func close() {
        Glibc.close(descriptor)
        unlink(path)
    }
}
