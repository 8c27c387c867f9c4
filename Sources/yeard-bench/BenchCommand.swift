import ArgumentParser
import Foundation
import Glibc

/// `yeard-bench`: measures the daemon and, in the same run, the floor it is compared against.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yeard-bench", abstract: "Benchmarks of yeard, each beside its floor measured in the same run.",
        subcommands: [
            SocketBench.self, ImportBench.self, ChecksBench.self, RolloverBench.self, FileRollovers.self,
            StartupBench.self, XlsxBench.self,
        ])
}

/// `yeard-bench socket`: status calls over the control socket from concurrent clients.
struct SocketBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "socket",
        abstract: "Status calls from concurrent clients against a raw Unix-socket round trip (the floor).")

    @Option(help: "Concurrent clients.") var clients = 16
    @Option(help: "Seconds each measurement runs.") var seconds = 5.0
    @Option(help: "The yeard binary (default: next to this one).") var yeard: String?
    @Option(help: "The method to call (a method without parameters).") var method = "io.yeard.Year.Status"

    func run() throws {
        let call = Array(#"{"method":"\#(method)"}"#.utf8) + [0]
        let binary = yeard ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/yeard"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no yeard at \(binary): build it first with 'swift build -c release' or give --yeard")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let floorPath = directory + "/floor.sock"
        let echo = try EchoServer(path: floorPath)
        let floor = try Load.run(path: floorPath, message: call, clients: clients, seconds: seconds)
        echo.stop()

        let daemon = try DaemonProcess(binary: binary, directory: directory)
        defer { daemon.stop() }
        _ = try Load.run(path: daemon.socket, message: call, clients: 1, seconds: 0.5)
        let idle = daemon.memory()
        let measured = try Load.run(path: daemon.socket, message: call, clients: clients, seconds: seconds)
        let peak = daemon.memory()

        print(
            "yeard-bench socket: \(clients) clients, \(seconds) s each, \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )
        print(
            "  \("".padding(toLength: 26, withPad: " ", startingAt: 0))  requests/s   p50 ms   p99 ms   errors")
        for (name, result) in [
            ("raw unix socket (floor)", floor),
            ("yeard \(method.split(separator: ".").suffix(2).joined(separator: "."))", measured),
        ] {
            print(
                "  \(name.padding(toLength: 26, withPad: " ", startingAt: 0))  "
                    + String(
                        format: "%10.0f  %7.3f  %7.3f  %7d", result.perSecond, result.p50, result.p99, result.errors))
        }
        print(String(format: "  yeard RSS: idle %.1f MB, peak %.1f MB (VmHWM)", idle.rss, peak.peak))
        print(
            String(
                format: "  yeard reaches %.0f%% of the floor's throughput", 100 * measured.perSecond / floor.perSecond))
        print("  targets: >= 20000 requests/s, p99 < 5 ms, idle RSS < 40 MB")
    }
}

/// The programs the benchmarks run beside yeard (sqlite3, setpriv, ldd).
enum Subprocess {
    /// Runs `executable` with `arguments`; its exit status and standard output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A yeard started on a scratch state directory whose configuration grants the benchmark's user a role.
final class DaemonProcess {
    let process = Process()
    let socket: String

    init(
        binary: String, directory: String, grants: [String] = ["auditor"], schools: [String] = ["bench-school"],
        daemonKeys: String = "", extra: String = "", environment: [String: String] = [:], wait: Bool = true
    ) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socket = directory + "/control.sock"
        let config = directory + "/yeard.toml"
        try """
        [daemon]
        state_dir = "\(directory)"
        socket = "\(socket)"
        log_level = "warning"
        \(daemonKeys)
        max_connections_per_uid = 256
        \(schools.map { "[[school]]\nid = \"\($0)\"\n" }.joined())
        \(grants.map { "[[grant]]\nrole = \"\($0)\"\nuid = \(getuid())\n" }.joined())
        \(extra)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", config]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        try process.run()
        guard wait else { return }
        for _ in 0..<200 {
            if (try? Load.roundTrip(
                path: socket, message: Array(#"{"method":"org.varlink.service.GetInfo"}"#.utf8) + [0])) != nil
            {
                return
            }
            usleep(50_000)
        }
        throw ValidationError("yeard did not answer on \(socket) within 10 s")
    }

    /// Resident and peak resident memory in MB, from /proc.
    func memory() -> (rss: Double, peak: Double) {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
